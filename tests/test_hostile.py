"""Nothing a snippet produces, and nothing a card's directive names, is trusted.

Hostile values, table cells, output and error text are shown as text; directive paths stay in
snippets/; directives inside code are text; random card text yields the build's own problems only.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from conftest import card_html, make_tiny_site, set_card_body, write
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scripts import build, collect, inject, pipeline
from scripts.config import Project

EVIL = ("<script>alert(1)</script> <img src=x onerror=alert(2)> [click](javascript:alert(3)) "
        "{{ value: topic/evil.py#evil }} **bold** `tick` ``` $x^2$ *[HTML]: Hyper | pipe \\\\ end")
EVIL_SNIPPET = f"""
EVIL = {EVIL!r}
print(EVIL)
VALUES = {{"evil": EVIL, "start": "1. not a list", "hash": "# not a heading",
          "math": "x$ <b>y</b> \\\\href{{javascript:z}}{{k}}"}}
TABLES = {{"t": {{"columns": ["a", "b"], "rows": [[EVIL, 1.5]]}}}}
"""
EVIL_BODY = """
Giá trị: {{ value: topic/evil.py#evil }}

{{ value: topic/evil.py#start }}

{{ value: topic/evil.py#hash }}

Trong công thức: $a {{ value: topic/evil.py#math }} b$.

{{ output: topic/evil.py }}

{{ table: topic/evil.py#t | Cột | Số {:.1f} }}

| x | y |
| --- | --- |
| {{ value: topic/evil.py#evil }} | 1 |
"""


def visible_text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def live_markup(fragment: str) -> list[str]:
    """Tags and attributes that would run or navigate if the snippet's text had become markup."""
    return re.findall(r"<script[^>]*>\s*alert|<img[^>]*onerror|href=\"javascript:|<b>y</b>|<strong>bold", fragment)


@pytest.fixture(scope="module")
def evil_site(tmp_path_factory) -> Path:
    """The tiny site with a hostile snippet, built once for this module."""
    root = make_tiny_site(tmp_path_factory.mktemp("evil"))
    write(root, "snippets/topic/evil.py", EVIL_SNIPPET)
    set_card_body(root, EVIL_BODY)
    assert build.main(["build", "--root", str(root)]) == 0
    return root


@pytest.mark.parametrize("lang", ["vi", "zh"])
def test_hostile_values_cells_and_output_are_shown_as_text(evil_site, lang):
    article = card_html(evil_site, lang)
    assert live_markup(article) == []
    text = visible_text(article)
    assert text.count(EVIL) >= 4  # inline value, output, table cell, value in a hand-written table
    assert "1. not a list" in text and "<ol>" not in article
    assert "# not a heading" in text and "<h1" not in article.split("</h1>", 1)[1]
    assert "{{ value: topic/evil.py#evil }}" in text  # not a new directive
    assert 'title="Hyper"' not in article  # not an abbreviation definition


def test_a_value_inside_math_cannot_close_the_math(evil_site):
    article = card_html(evil_site, "vi")
    math = re.search(r'<span class="arithmatex">(.*?)</span>', article, flags=re.S).group(1)
    assert "\\text{x\\$ &lt;b&gt;y&lt;/b&gt; \\textbackslash{}href\\{javascript:z\\}\\{k\\}}" in math
    assert live_markup(article) == []


def test_hostile_error_text_stays_inside_the_error_box(tiny_site):
    write(tiny_site, "snippets/topic/demo.py", f"raise ValueError({EVIL!r})\n")
    project = Project.load(tiny_site)
    prepared = pipeline.prepare(project)
    page = collect.Page(path=tiny_site / "docs/x.zh.md", lang="zh", topic="")
    markdown, problems = inject.render(page, "{{ output: topic/demo.py }}\n", prepared.context(project, None))
    import markdown as md

    rendered = md.markdown(markdown, extensions=["admonition", "pymdownx.superfences", "md_in_html"])
    assert live_markup(rendered) == [] and "代码片段运行出错" in rendered
    box = rendered[rendered.index('<div class="admonition failure">'):]
    assert box.count("<div") == box.count("</div>") == 2 and box.rstrip().endswith("</div>")  # one box, closed
    code = re.search(r"<code>(.*?)</code>", box, flags=re.S).group(1)
    assert EVIL in visible_text(code)  # the whole message, as text, in the box's code block


def test_directive_paths_stay_inside_snippets(tiny_site, capsys, tmp_path):
    marker = tmp_path / "ran"
    outside = write(tmp_path, "outside.py", f"open({str(marker)!r}, 'w').write('ran')\nVALUES = {{'x': 1}}\n")
    (tiny_site / "snippets/topic/link.py").symlink_to(outside)
    set_card_body(tiny_site, f"\n{{{{ output: {outside} }}}}\n\n{{{{ code: ../scripts/runner.py }}}}\n\n"
                             "Số {{ value: topic/link.py#x }}.\n")
    assert build.main(["build", "--root", str(tiny_site)]) == 1
    err = capsys.readouterr().err
    line = _line_of(tiny_site / "docs/topic/card.vi.md", "{{ output:")
    assert f"card.vi.md:{line}: snippet paths are relative to snippets/, not absolute: {outside}" in err
    assert f"card.vi.md:{line + 2}: snippet path leaves snippets/: ../scripts/runner.py" in err
    assert f"card.vi.md:{line + 4}: snippet path leads out of snippets/ through a symlink: topic/link.py" in err
    assert not marker.exists()  # never executed


def _line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def test_unclosed_braces_and_misspellings_name_the_card_line(tiny_site, capsys):
    set_card_body(tiny_site, "\nTổng {{ value: topic/demo.py#total\n\n{{ figure: topic/demo.py#curve | Hình }}\n")
    assert build.main(["check", "--root", str(tiny_site)]) == 1
    err = capsys.readouterr().err
    line = _line_of(tiny_site / "docs/topic/card.vi.md", "Tổng")
    assert f"card.vi.md:{line}: unclosed '{{{{': a directive ends with '}}}}' on the same line" in err
    assert f"card.vi.md:{line + 2}: no figure 'curve' in snippets/topic/demo.py (figures: none)" in err


CODE_BODY = """
Cú pháp: `{{ value: topic/demo.py#nope }}` trong dòng.

```text
{{ output: topic/missing.py }}
```

Khối thụt lề:

    {{ code: topic/missing.py }}

- Mục danh sách

    {{ value: topic/demo.py#total }} là giá trị thật.
"""


@pytest.mark.parametrize("lang", ["vi", "zh"])
def test_directives_inside_code_are_left_as_text(tiny_site, lang):
    set_card_body(tiny_site, CODE_BODY)
    assert build.main(["build", "--root", str(tiny_site)]) == 0
    article = card_html(tiny_site, lang)
    codes = [visible_text(c) for c in re.findall(r"<code[^>]*>(.*?)</code>", article, flags=re.S)]
    assert "{{ value: topic/demo.py#nope }}" in codes
    assert any("{{ output: topic/missing.py }}" in c for c in codes)
    assert any("{{ code: topic/missing.py }}" in c for c in codes)
    assert "30 là giá trị thật" in visible_text(article)  # container content is not code


TOKENS = st.sampled_from([
    "{{", "}}", " value: ", " output: ", " code: ", " table: ", " catalog: ", "topic/demo.py", "topic/../x.py",
    "/etc/passwd", "#total", "#", ":.2f", ":.2q", " | ", "`", "```", "~~~", "$", "$$", "\\(", "\n", "\n\n", "    ",
    "- ", "!!! note", "---", "Chuẩn hóa", "归一化", "x", "\u2028", "\x00", "\ud800", "<script>", "{", "}"])


@pytest.fixture(scope="module")
def fuzz_context(tmp_path_factory):
    root = make_tiny_site(tmp_path_factory.mktemp("fuzz"))
    project = Project.load(root)
    prepared = pipeline.prepare(project)
    return root, prepared.context(project, None)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(TOKENS, max_size=40).map("".join))
def test_random_card_text_gives_only_the_builds_own_problems(fuzz_context, text):
    root, context = fuzz_context
    page = collect.Page(path=root / "docs/topic/card.vi.md", lang="vi", topic="topic")
    rendered, problems = inject.render(page, text, context)
    assert isinstance(rendered, str)
    assert all(p.line >= 1 and p.message for p in problems)
    card = root / "docs/topic/fuzz.vi.md"
    card.write_text("---\n" + text + "\n---\n" + text, encoding="utf-8", errors="surrogatepass")
    collect.read_page(card, context.project)
