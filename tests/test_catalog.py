"""Generated pages: card index, tags, glossary and abbreviations, in each page's language."""

from __future__ import annotations

import re

import icu
from conftest import REPO, write

from scripts import catalog, collect, data, inject, pipeline
from scripts.config import Project
from scripts.data import Term


def render(site, relative: str, text: str):
    project = Project.load(site)
    prepared = pipeline.prepare(project)
    page, _ = collect.read_page(write(site, relative, text), project)
    return inject.render(page, text, prepared.context(project, data.load(project)))


def test_cards_catalog_groups_by_topic_with_links_and_descriptions(tiny_site):
    vi, problems = render(tiny_site, "docs/index.vi.md", "# Trang chủ\n\n{{ catalog: cards }}\n")
    assert problems == []
    assert "## Chủ đề thử\n\n- [Thẻ thử](topic/card.md) — Một thẻ nhỏ để thử" in vi
    zh, _ = render(tiny_site, "docs/index.zh.md", "# 首页\n\n{{ catalog: cards }}\n")
    assert "## 测试主题\n\n- [测试卡片](topic/card.md) — 用于测试的小卡片" in zh


def test_tags_catalog_lists_cards_under_each_tag_label(tiny_site):
    vi, _ = render(tiny_site, "docs/tags.vi.md", "# Nhãn\n\n{{ catalog: tags }}\n")
    assert "## Kiến thức nền tảng {#fundamentals}\n\n- [Thẻ thử](topic/card.md)" in vi
    assert "Chuẩn hóa" not in vi.split("*[")[0]  # a tag no card uses gets no section


def test_glossary_catalog_in_the_readers_language_links_cards_using_a_term(tiny_site):
    card = tiny_site / "docs/topic/card.zh.md"
    card.write_text(card.read_text().replace("Text.", "层归一化 (LN) 的例子。", 1))
    zh, _ = render(tiny_site, "docs/glossary.zh.md", "# 术语表\n\n{{ catalog: glossary }}\n")
    header = next(line for line in zh.splitlines() if line.startswith("| 术语"))
    assert header == "| 术语 | 越南语 | English | 缩写 | 定义 | 使用该术语的卡片 |"
    row = next(line for line in zh.splitlines() if line.startswith("| **层归一化**（层规范化、层标准化）"))
    assert "chuẩn hóa theo tầng" in row and "| LN |" in row and "[测试卡片](topic/card.md)" in row
    sgd = next(line for line in zh.splitlines() if line.startswith("| **随机梯度下降**"))
    assert sgd.endswith("|  |")  # no card uses it


def test_every_page_gets_abbreviations_in_its_language(tiny_site):
    vi, _ = render(tiny_site, "docs/x.vi.md", "# X\n")
    zh, _ = render(tiny_site, "docs/x.zh.md", "# X\n")
    assert "*[BN]: chuẩn hóa theo batch (batch normalization): Chuẩn hóa từng đặc trưng" in vi
    assert "*[BN]: 批归一化 (batch normalization): 对每个特征用整个批次的统计量做归一化" in zh


def test_unknown_catalog_is_a_problem_with_its_line(tiny_site):
    _, problems = render(tiny_site, "docs/x.vi.md", "# X\n\n{{ catalog: everything }}\n")
    assert [(p.line, p.message.split(" (")[0]) for p in problems] == [(3, "unknown catalog 'everything'")]


def test_every_card_ends_with_its_terms_and_their_aliases_in_its_language(tiny_site):
    card = "Một batch đi qua tầng chuẩn hóa theo batch; thống kê trượt được dùng khi suy luận.\n"
    vi, _ = render(tiny_site, "docs/topic/terms.vi.md", card)
    line = vi[vi.index("Thuật ngữ trong thẻ này"):].split("\n")[0]
    assert "**chuẩn hóa theo batch** (chuẩn hoá theo batch, chuẩn hóa theo lô, batch normalization)" in line
    assert "**thống kê trượt** (thống kê chạy, trung bình trượt, trung bình động, running statistics)" in line
    assert "**tầng** (layer)" in line and "{: .card-terms }" in vi
    zh, _ = render(tiny_site, "docs/topic/terms.zh.md", "批归一化在每个批次上计算统计量。\n")
    assert "**批归一化**（批量规范化、批标准化、批量归一化、batch normalization）" in zh
    home, _ = render(tiny_site, "docs/index.vi.md", "# Trang chủ\n")
    assert "Thuật ngữ trong thẻ này" not in home  # only cards get the line


def test_glossary_aliases_are_validated_with_their_line(tiny_site):
    write(tiny_site, "data/glossary.yml", """
        - en: batch
          vi: batch
          zh: 批次
          aliases:
            fr: [lot]
          definition: {vi: Nhóm mẫu., zh: 一组样本。}
        - en: layer
          vi: tầng
          zh: 层
          aliases:
            vi: lớp
          definition: {vi: Một khối., zh: 一个模块。}
        """)
    data.clear_cache()
    import pytest

    from scripts.problems import BuildFailed

    with pytest.raises(BuildFailed) as failure:
        data.load(Project.load(tiny_site))
    assert [str(p).split("glossary.yml:")[1] for p in failure.value.problems] == [
        "5: term 'batch' aliases: a mapping of en, vi, zh to lists", "11: term 'layer' aliases 'vi': a list"]
    data.clear_cache()


def glossary_names(markdown: str) -> list[str]:
    """The term of each row of a rendered glossary, in page order."""
    return re.findall(r"^\| \*\*(.+?)\*\*", markdown, flags=re.M)


def order_of(names: list[str], lang: str) -> list[str]:
    terms = tuple(Term(key=name, en=name, names={"vi": name, "zh": name}, definitions={}) for name in names)
    return [term.names[lang] for term in catalog.glossary_order(terms, lang)]


def test_vietnamese_order_is_the_vietnamese_alphabet_with_tones_second():
    words = ["đường", "dưới", "âm", "bão", "ăn", "da", "độ", "az", "ảnh", "dropout", "bạc", "bán"]
    # code point order would put every â, ă, ả, đ word after z
    assert order_of(words, "vi") == ["ảnh", "az", "ăn", "âm", "bạc", "bán", "bão", "da", "dropout", "dưới",
                                     "độ", "đường"]


def test_chinese_order_is_pinyin_on_real_glossary_terms():
    terms = data.load(Project.load(REPO)).glossary
    chosen = {"学习率", "批归一化", "偏差", "层归一化", "归一化", "激活函数", "泛化", "方差"}
    ordered = [t.names["zh"] for t in catalog.glossary_order(terms, "zh") if t.names["zh"] in chosen]
    # céng, fàn, fāng, guī, jī, pī, piān, xué
    assert ordered == ["层归一化", "泛化", "方差", "归一化", "激活函数", "批归一化", "偏差", "学习率"]


def test_the_glossary_page_is_in_icu_order_in_each_language(tiny_site):
    terms = data.load(Project.load(tiny_site)).glossary  # the real data/glossary.yml
    names = {}
    for lang, title in (("vi", "# Thuật ngữ\n"), ("zh", "# 术语表\n")):
        markdown, _ = render(tiny_site, f"docs/glossary.{lang}.md", title + "\n{{ catalog: glossary }}\n")
        names[lang] = glossary_names(markdown)
        collator = icu.Collator.createInstance(icu.Locale(lang))
        assert len(names[lang]) == len(terms)
        assert names[lang] == sorted(names[lang], key=collator.getSortKey)
    last_d = max(i for i, name in enumerate(names["vi"]) if name.startswith("d"))
    assert last_d < names["vi"].index("đánh đổi độ chệch – phương sai")
    assert names["zh"].index("层归一化") < names["zh"].index("批归一化")  # céng before pī
