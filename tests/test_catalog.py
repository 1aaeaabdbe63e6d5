"""Generated pages: card index, tags, glossary and abbreviations, in each page's language."""

from __future__ import annotations

from conftest import write

from scripts import collect, data, inject, pipeline
from scripts.config import Project


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
    row = next(line for line in zh.splitlines() if line.startswith("| **层归一化**"))
    assert "chuẩn hóa theo lớp" in row and "| LN |" in row and "[测试卡片](topic/card.md)" in row
    sgd = next(line for line in zh.splitlines() if line.startswith("| **随机梯度下降**"))
    assert sgd.endswith("|  |")  # no card uses it


def test_every_page_gets_abbreviations_in_its_language(tiny_site):
    vi, _ = render(tiny_site, "docs/x.vi.md", "# X\n")
    zh, _ = render(tiny_site, "docs/x.zh.md", "# X\n")
    assert "*[BN]: chuẩn hóa theo lô (batch normalization): Chuẩn hóa từng đặc trưng" in vi
    assert "*[BN]: 批归一化 (batch normalization): 对每个特征用整个批次的统计量做归一化" in zh


def test_unknown_catalog_is_a_problem_with_its_line(tiny_site):
    _, problems = render(tiny_site, "docs/x.vi.md", "# X\n\n{{ catalog: everything }}\n")
    assert [(p.line, p.message.split(" (")[0]) for p in problems] == [(3, "unknown catalog 'everything'")]
