"""Card checks: template sections, tags, encoding, vi/zh parity, data files."""

from __future__ import annotations

import re

import pytest
from conftest import REPO, card_text, set_card_body, write

from scripts import build, checks, checks_layout, checks_math, collect, data
from scripts.config import Project
from scripts.problems import BuildFailed


def problems_of(site, relative="docs/topic/card.vi.md"):
    project = Project.load(site)
    page, _ = collect.read_page(site / relative, project)
    site_data = data.load(project)
    return [(p.line, p.message) for p in checks.check_sections(page, site_data) + checks.check_tags(page, site_data)
            + checks.check_encoding(page) + checks.check_title(page)]


def replace_in(path, old, new):
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")


def line_of(path, text):
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_the_tiny_card_passes(tiny_site):
    assert problems_of(tiny_site) == []
    assert problems_of(tiny_site, "docs/topic/card.zh.md") == []


def test_missing_section_is_reported_where_it_belongs(tiny_site):
    card = tiny_site / "docs/topic/card.vi.md"
    replace_in(card, "## Cú pháp\n", "")
    assert problems_of(tiny_site) == [(line_of(card, "## Ví dụ mã"), "missing section '## Cú pháp' (syntax)")]


def test_out_of_order_duplicate_and_foreign_headings(tiny_site):
    card = tiny_site / "docs/topic/card.vi.md"
    replace_in(card, "## So sánh", "## 对比")
    replace_in(card, "## Tóm tắt nhanh", "## Định nghĩa")
    found = problems_of(tiny_site)
    messages = [m for _, m in found]
    assert any(m.startswith("'对比' is the zh heading of section 'comparison'; a vi card writes 'So sánh'")
               for m in messages)
    assert "section 'definition' appears twice" in messages
    assert "missing section '## So sánh' (comparison)" in messages


def test_extra_sections_are_allowed(tiny_site):
    card = tiny_site / "docs/topic/card.vi.md"
    replace_in(card, "## So sánh", "## Thí nghiệm thêm\n\nText.\n\n## So sánh")
    assert problems_of(tiny_site) == []


def test_unknown_tag(tiny_site):
    card = tiny_site / "docs/topic/card.vi.md"
    replace_in(card, "tags: [fundamentals]", "tags: [fundamentals, nonsense]")
    assert problems_of(tiny_site)[0][0] == 4
    assert problems_of(tiny_site)[0][1].startswith("unknown tag 'nonsense'")


def test_mojibake_is_flagged_with_its_line_and_repair(tiny_site):
    card = tiny_site / "docs/topic/card.vi.md"
    replace_in(card, "Text.", "Gi·∫£i th√≠ch hai k·ªπ thu·∫≠t chu·∫©n h√≥a.")
    ((line, message),) = problems_of(tiny_site)
    assert line == line_of(card, "Gi·∫£i")
    assert "mojibake" in message and "Giải thích hai kỹ thuật chuẩn hóa" in message


def test_invalid_utf8_is_flagged_with_its_line(tiny_site):
    card = tiny_site / "docs/topic/card.vi.md"
    raw = card.read_bytes().replace(b"Text.", b"Bad \xff byte.", 1)
    card.write_bytes(raw)
    _, found = collect.read_page(card, Project.load(tiny_site))
    assert [(p.line, p.message.split(" (")[0]) for p in found] == [
        (raw[: raw.index(b"\xff")].count(b"\n") + 1, "invalid UTF-8")]


def test_parity_reports_missing_translation_tags_sections_and_references(tiny_site):
    zh = tiny_site / "docs/topic/card.zh.md"
    replace_in(zh, "tags: [fundamentals]", "tags: [fundamentals, pytorch]")
    replace_in(zh, "## 对比\n", "## 额外\n\nText.\n\n## 对比\n")
    replace_in(zh, "{{ output: topic/demo.py }}", "")
    write(tiny_site, "docs/topic/lonely.vi.md", card_text("vi", body="\nText.\n"))
    project = Project.load(tiny_site)
    pages, _ = collect.collect(project)
    found = [str(p) for p in checks.check_parity(pages, project, data.load(project))]
    assert any(re.search(r"lonely\.vi\.md:1: no zh version of this card: expected docs/topic/lonely\.zh\.md", p)
               for p in found)
    assert any("card.zh.md:4: tags ['fundamentals', 'pytorch'] differ" in p for p in found)
    assert any("sections differ from the vi card: vi has [nothing]" in p and "zh has [(extra)]" in p
               for p in found)
    assert any("references differ from the vi card: vi has [output: topic/demo.py]" in p for p in found)
    report = checks.parity_report(pages, project, data.load(project))
    assert any(line.startswith("topic/card [vi, zh]") and "3 difference(s)" in line for line in report)


def test_check_command_lists_every_problem_and_fails(tiny_site, capsys):
    replace_in(tiny_site / "docs/topic/card.zh.md", "## 对比", "## 比较")
    replace_in(tiny_site / "docs/topic/card.vi.md", "tags: [fundamentals]", "tags: [nonsense]")
    assert build.main(["check", "--root", str(tiny_site)]) == 1
    out, err = capsys.readouterr()
    assert "topic/card [vi, zh]" in out
    assert "unknown tag 'nonsense'" in err and "missing section '## 对比'" in err
    assert "problem(s)" in err.splitlines()[-1]


def test_data_files_are_validated_with_file_and_line(tiny_site):
    write(tiny_site, "data/tags.yml", "fundamentals:\n  vi: Nền tảng\nother: nope\n")
    data.clear_cache()
    with pytest.raises(BuildFailed) as failure:
        data.load(Project.load(tiny_site))
    text = str(failure.value)
    assert "data/tags.yml:1: tag 'fundamentals' has no 'zh' label" in text
    assert "data/tags.yml:3: tag 'other' needs a mapping with vi, zh" in text


def test_scaffold_creates_a_card_that_passes_once_filled_in(tiny_site, capsys):
    from scripts import scaffold

    write(tiny_site, "data/topics.yml", "topic:\n  vi: Chủ đề\n  zh: 主题\n")
    data.clear_cache()
    assert scaffold.main(["--name", "group-norm", "--topic", "topic", "--root", str(tiny_site)]) == 0
    created = {line.split()[-1] for line in capsys.readouterr().out.splitlines() if line.startswith("created")}
    assert created == {"docs/topic/group-norm.vi.md", "docs/topic/group-norm.zh.md",
                       "snippets/topic/group_norm.py", "tests/snippets/test_group_norm.py"}
    # refuses to overwrite anything, and writes nothing
    assert scaffold.main(["--name", "group-norm", "--topic", "topic", "--root", str(tiny_site)]) == 1
    assert "refusing to overwrite" in capsys.readouterr().err
    # not filled in yet: the check says what is missing
    assert build.main(["check", "--root", str(tiny_site)]) == 1
    assert "group-norm.vi.md:2: front matter field 'title' must be non-empty text" in capsys.readouterr().err
    for lang, title in (("vi", "Chuẩn hóa theo nhóm"), ("zh", "组归一化")):
        card = tiny_site / f"docs/topic/group-norm.{lang}.md"
        replace_in(card, 'title: ""', f"title: {title}")
        replace_in(card, 'description: ""', f"description: {title}.")
        replace_in(card, "tags: []", "tags: [fundamentals]")
    assert build.main(["check", "--root", str(tiny_site)]) == 0
    assert "topic/group-norm [vi, zh]: 10 sections, 2 references: in step" in capsys.readouterr().out


def test_scaffold_refuses_unknown_topic_and_bad_names(tiny_site, capsys):
    from scripts import scaffold

    assert scaffold.main(["--name", "x", "--topic", "nowhere", "--root", str(tiny_site)]) == 1
    assert "unknown topic 'nowhere'" in capsys.readouterr().err
    assert scaffold.main(["--name", "Bad Name", "--topic", "topic", "--root", str(tiny_site)]) == 1
    assert not (tiny_site / "docs/nowhere").exists()


def test_swapped_sections_are_out_of_order(tiny_site):
    card = tiny_site / "docs/topic/card.vi.md"
    replace_in(card, "## So sánh", "## PLACEHOLDER")
    replace_in(card, "## Lỗi thường gặp", "## So sánh")
    replace_in(card, "## PLACEHOLDER", "## Lỗi thường gặp")
    ((line, message),) = problems_of(tiny_site)
    assert line == line_of(card, "## So sánh")
    assert message.startswith("section 'So sánh' is out of order; the template order is: Định nghĩa, Khi nào dùng")


MATH_BODY = r"""
Trung bình là \(\mu_\text{lô}\) ở đây, và $x$ thì không sao.

$$
y = \gamma\,\hat{x} + \beta
\qquad \text{thống kê của batch}
$$

| Cột | Công thức |
| --- | --- |
| một | $1 - \text{准确率}$ |

\[ \bar{x} = \text{均值} \]

!!! note "Ghi chú"
    Trong khung: $a = \text{mẫu}$,
    kéo dài hai dòng $b +
    \text{độ lệch}$.
"""


def math_problems(site, relative="docs/topic/card.vi.md"):
    page, _ = collect.read_page(site / relative, Project.load(site))
    return [(p.line, p.message) for p in checks_math.check_math_letters(page)]


def test_vietnamese_and_chinese_inside_math_are_reported_on_their_lines(tiny_site):
    set_card_body(tiny_site, MATH_BODY)
    card = tiny_site / "docs/topic/card.vi.md"
    found = math_problems(tiny_site)
    assert [(line, message.split(" inside math")[0]) for line, message in found] == [
        (line_of(card, r"\(\mu_\text{lô}\)"), "Vietnamese text 'lô'"),  # \( ... \)
        (line_of(card, "thống kê của batch"), "Vietnamese text 'thống kê của batch'"),  # $$ ... $$, 2nd line
        (line_of(card, "准确率"), "Chinese text '准确率'"),  # a table cell
        (line_of(card, "均值"), "Chinese text '均值'"),  # \[ ... \]
        (line_of(card, "Trong khung"), "Vietnamese text 'mẫu'"),  # an admonition
        (line_of(card, "độ lệch"), "Vietnamese text 'độ lệch'"),  # $ ... $ over two lines
    ]
    assert all(message.endswith("KaTeX's fonts have no Vietnamese letters; move the words out of the formula "
                                "(write them in the sentence, or use a symbol the text defines)")
               for _, message in found if message.startswith("Vietnamese"))
    assert r"inside math ($1 - \text{准确率}$): KaTeX's fonts have no Chinese characters" in found[2][1]


def test_the_check_command_reports_math_letters_with_file_and_line(tiny_site, capsys):
    set_card_body(tiny_site, "\nPhương sai $\\sigma^2_\\text{lô}$ của batch.\n")
    assert build.main(["check", "--root", str(tiny_site)]) == 1
    err = capsys.readouterr().err
    for lang in ("vi", "zh"):
        line = line_of(tiny_site / f"docs/topic/card.{lang}.md", "sigma^2")
        assert f"docs/topic/card.{lang}.md:{line}: Vietnamese text 'lô' inside math" in err


def test_the_same_words_outside_math_or_in_code_pass(tiny_site):
    set_card_body(tiny_site, r"""
Trung bình của lô, 当前批次的统计量, với $\mu_\mathcal{B}$ và $\alpha\beta\gamma \le \sum_i x_i$.

Viết `$\text{trung bình}$` hay `\(\text{均值}\)` là sai; giá 5\$ và 6\$ không phải công thức.

```latex
$$
\text{thống kê của batch} = \text{均值}
$$
```

    $\text{mẫu}$ trong khối mã thụt lề
""")
    assert math_problems(tiny_site) == []
    assert math_problems(tiny_site, "docs/topic/card.zh.md") == []


def test_a_missing_translation_of_the_home_page_is_reported(tiny_site, capsys):
    (tiny_site / "docs/index.zh.md").unlink()
    assert build.main(["check", "--root", str(tiny_site)]) == 1
    assert "docs/index.vi.md:1: no zh version of this page: expected docs/index.zh.md" in capsys.readouterr().err


def test_a_page_in_one_language_only_is_reported(tiny_site):
    write(tiny_site, "docs/about.vi.md", "# Giới thiệu\n")
    write(tiny_site, "docs/faq.zh.md", "# 常见问题\n")
    project = Project.load(tiny_site)
    pages, _ = collect.collect(project)
    found = [str(p) for p in checks.check_parity(pages, project, data.load(project))]
    assert [p.split("docs/", 1)[1] for p in found] == [
        "about.vi.md:1: no zh version of this page: expected docs/about.zh.md",
        "faq.zh.md:1: no vi version of this page: expected docs/faq.vi.md"]


def test_pages_keep_the_same_catalogs_in_the_same_order(tiny_site):
    write(tiny_site, "docs/index.vi.md", "# Trang chủ\n\n{{ catalog: cards }}\n\n{{ catalog: tags }}\n")
    write(tiny_site, "docs/index.zh.md", "# 首页\n\n{{ catalog: tags }}\n")
    project = Project.load(tiny_site)
    pages, _ = collect.collect(project)
    found = [str(p).split("docs/", 1)[1] for p in checks.check_parity(pages, project, data.load(project))]
    assert found == ["index.zh.md:3: directives differ from the vi page: vi has [catalog: cards] (vi line 3), "
                     "zh has [nothing]"]
    report = checks.parity_report(pages, project, data.load(project))
    assert "index [vi, zh]: 2 directive(s): 1 difference(s)" in report


def test_the_real_pages_have_every_translation_and_no_letters_in_math():
    project = Project.load(REPO)
    pages, _ = collect.collect(project)
    assert {page.path.name for page in pages} >= {"index.zh.md", "tags.vi.md", "glossary.zh.md"}
    assert checks.check_parity(pages, project, data.load(project)) == []
    assert [str(p) for page in pages for p in checks_math.check_math_letters(page)] == []


def test_a_code_line_wider_than_88_columns_is_reported_at_its_line(tiny_site):
    """88 columns fit at 1280 px; a Chinese character takes two. Prose lines may be as long as they like."""
    body = ("\n```python\n" + "x = 1  # " + "a" * 79 + "\n" + "y = 2  # " + "宽" * 40 + "\n```\n\n"
            + "- item\n\n    ```python\n    " + "z" * 88 + "\n    ```\n\n" + "prose " * 30 + "\n")
    set_card_body(tiny_site, body)
    card = tiny_site / "docs/topic/card.vi.md"
    page, _ = collect.read_page(card, Project.load(tiny_site))
    [problem] = checks_layout.check_code_width(page)  # the indented line of 88 columns fits
    assert "89 columns wide" in problem.message and problem.line == line_of(card, "y = 2")
