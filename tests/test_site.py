"""A strict build of the real site: every reference resolves, both languages, offline, searchable."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest
from conftest import REPO

from scripts import build
from scripts.i18n import message

CARD = "normalization/layer-norm"


@pytest.fixture
def site(real_site):
    return real_site


def page(site, lang: str) -> str:
    prefix = "" if lang == "vi" else f"{lang}/"
    return (site / prefix / CARD / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", ["vi", "zh"])
def test_card_has_code_outputs_tables_figures_and_math(site, lang):
    html = page(site, lang)
    assert f'<html lang="{lang}"' in html
    article = html[html.index("<article"): html.index("</article>")]
    assert not re.search(r"\{\{\s*(code|output|figure|table|value)\s*:", article)  # all injected
    figures = figure_files(html)
    assert len(figures) == CARD_FIGURES[CARD] and "data:image" not in html  # files, not copies in the page
    page_dir = site / ("" if lang == "vi" else f"{lang}/") / CARD
    for href, src in figures:
        assert href == src and (page_dir / src).resolve().parent == site / "assets" / "figures"
        assert (page_dir / src).resolve().read_text(encoding="utf-8").lstrip().startswith("<?xml")
    assert html.count("<table>") >= 6
    assert 'class="arithmatex"' in html
    assert "nn.LayerNorm" in re.sub(r"<[^>]+>", "", html)


FIGURE = re.compile(r'<figure class="card-figure">\s*<a class="glightbox"[^>]*?href="([^"]+)"[^>]*>'
                    r'\s*<img src="([^"]+)"')


def figure_files(html: str) -> list[tuple[str, str]]:
    """(lightbox link, image source) of each figure of a page: the same SVG file of the site."""
    return FIGURE.findall(html)


CARD_FIGURES = {"normalization/layer-norm": 5, "normalization/batch-norm": 3, "normalization/bn-vs-ln": 1,
                "normalization/batch-norm-practice": 0,
                "normalization/group-rms-norm": 1, "training-basics/vectorization": 1,
                "training-basics/minibatch-gd": 5, "training-basics/bias-variance": 5,
                "training-basics/activations": 4, "training-basics/vanishing-exploding": 6}


def article(site, card: str, lang: str) -> str:
    prefix = "" if lang == "vi" else f"{lang}/"
    html = (site / prefix / card / "index.html").read_text(encoding="utf-8")
    return html[html.index("<article"): html.index("</article>")]


@pytest.mark.parametrize("lang", ["vi", "zh"])
@pytest.mark.parametrize("card", CARD_FIGURES)
def test_every_card_is_injected_and_links_to_cards_in_its_own_language(site, card, lang):
    text = article(site, card, lang)
    assert not re.search(r"\{\{\s*(code|output|figure|table|value)\s*:", text)
    assert "admonition failure" not in text and "⚠" not in text
    page_dir = site / ("" if lang == "vi" else f"{lang}/") / card
    figures = figure_files(text)
    assert len(figures) == CARD_FIGURES[card]
    assert all(href == src and (page_dir / src).is_file() for href, src in figures)
    for href in re.findall(r'href="(\.\./[^"#]+/)"', text):
        target = (page_dir / href).resolve()
        assert (target / "index.html").is_file(), f"{card} [{lang}]: broken link {href}"
        assert (lang == "zh") == ("/zh/" in str(target) + "/"), f"{card} [{lang}]: {href} leaves the language"


@pytest.mark.parametrize("lang", ["vi", "zh"])
def test_comparison_table_has_a_measured_value_in_every_row(site, lang):
    text = article(site, "normalization/bn-vs-ln", lang)
    table = text[text.index("<table>", text.index('id="so-sánh"' if lang == "vi" else 'id="对比"')):]
    table = table[: table.index("</table>")]
    rows = re.findall(r"<tr>(.*?)</tr>", table, flags=re.S)[1:]
    assert len(rows) >= 11
    for row in rows:  # criterion, then BN, LN, GN, RMSNorm: each a measured value
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)]
        assert len(cells) == 5 and all(re.search(r"\d|ValueError", c) for c in cells[1:]), cells
    assert "CPUs" in text  # the timings name the machine


def test_language_switcher_leads_to_the_same_card(site):
    assert f'href="/zh/{CARD}/"' in page(site, "vi") or f'href="../../zh/{CARD}/"' in page(site, "vi")
    assert re.search(rf'href="(\.\./\.\./\.\./|/){CARD}/"', page(site, "zh"))


EXTERNAL = re.compile(r"(?:https?:)?//(?!www\.w3\.org/)[\w-]+(?:\.[\w-]+)+")  # an SVG namespace loads nothing
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S)
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)|@import\s+['\"]([^'\"]+)")


def test_site_loads_nothing_from_outside(site):
    """Attributes, inline script bodies (where a CDN loader hides) and CSS ``url()``/``@import``."""
    for html_file in site.rglob("*.html"):
        text = html_file.read_text(encoding="utf-8")
        loaded = re.sub(r'<link rel="canonical"[^>]*>', "", text)  # names the page's address; loads nothing
        for url in re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="([^"]+)"', loaded):
            assert not re.match(r"(https?:)?//", url), f"{html_file}: loads {url}"
        for body in INLINE_SCRIPT.findall(text):
            assert not EXTERNAL.search(body), f"{html_file}: an inline script names {EXTERNAL.search(body).group()}"
        for css in re.findall(r"<style[^>]*>(.*?)</style>", text, re.S):
            assert not _outside_urls(css), f"{html_file}: inline CSS loads {_outside_urls(css)}"
        assert "fonts.googleapis" not in text and "fonts.gstatic" not in text
    for css_file in site.rglob("*.css"):
        assert not _outside_urls(css_file.read_text(encoding="utf-8", errors="replace")), css_file
    assert (site / "assets/vendor/katex/katex.min.js").is_file()


def _outside_urls(css: str) -> list[str]:
    return [url for pair in CSS_URL.findall(css) for url in pair if re.match(r"\s*(https?:)?//", url)]


def test_the_offline_checks_catch_what_mkdocs_jupyter_would_load():
    """mkdocs-jupyter's own output points MathJax at a CDN inside an inline script: the check sees it."""
    page = '<script type="text/x-mathjax-config">init()</script><script>s.src = "https://cdnjs.example.org/x.js"</script>'
    assert [EXTERNAL.search(body).group() for body in INLINE_SCRIPT.findall(page) if EXTERNAL.search(body)] \
        == ["https://cdnjs.example.org"]
    assert _outside_urls('@font-face { src: url("https://fonts.example.org/a.woff2") }') == \
        ["https://fonts.example.org/a.woff2"]
    assert _outside_urls("a { background: url(data:image/png;base64,AAA) } b { c: url('../x.svg') }") == []


NOTEBOOK = "training-basics/activations/notebook"


@pytest.mark.parametrize("lang", ["vi", "zh"])
@pytest.mark.parametrize("card", CARD_FIGURES)
def test_every_card_has_a_rendered_notebook_page_and_an_executed_ipynb(site, card, lang):
    prefix = "" if lang == "vi" else f"{lang}/"
    folder = site / prefix / card / "notebook"
    html = (folder / "index.html").read_text(encoding="utf-8")
    assert f'<html lang="{lang}"' in html
    assert '"cell_type"' not in html and "jupyter-wrapper" in html  # rendered, not raw JSON (static-i18n #198)
    assert html.count("jp-CodeCell") >= 2 and "jp-OutputArea-output" in html
    assert html.count("image/svg+xml") + html.count("<svg") >= CARD_FIGURES[card]  # the run's own figures
    assert "<style" not in html and "assets/stylesheets/notebook.css" in html  # mkdocs-jupyter's CSS, served once
    slug = card.split("/")[1]
    notebook = nbformat.read(folder / f"{slug}.{lang}.ipynb", as_version=4)
    nbformat.validate(notebook)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(cell.execution_count for cell in code) and notebook.metadata["dlcards"]["lang"] == lang
    card_html = (site / prefix / card / "index.html").read_text(encoding="utf-8")
    assert 'href="notebook/"' in card_html and f'href="notebook/{slug}.{lang}.ipynb" download' in card_html


@pytest.mark.parametrize("lang", ["vi", "zh"])
def test_notebook_pages_show_prose_as_text_with_the_terms_once_and_links_to_the_cards(site, lang):
    prefix = "" if lang == "vi" else f"{lang}/"
    for card in CARD_FIGURES:
        html = (site / prefix / card / "notebook" / "index.html").read_text(encoding="utf-8")
        text = re.sub(r"<[^>]+>", "", html[html.index("jupyter-wrapper"):])
        assert "{: ." not in text and not re.search(r"^\*\[", text, re.M), card  # attr lists, abbreviation lines
        assert html.count(message(lang, "terms_used").strip()) == 1, card
        assert ".md" not in "".join(re.findall(r'href="([^"]*)"', html)), card


def test_every_relative_link_on_every_page_leads_to_a_page_of_the_site(site):
    from scripts.chrome import site_paths

    broken = []
    for path in site_paths(site):
        html = (site / path / "index.html").read_text(encoding="utf-8")
        for href in re.findall(r'<a [^>]*href="([^"#:]+)(?:#[^"]*)?"', html):
            target = (site / href.lstrip("/") if href.startswith("/") else site / path / href).resolve()
            if not (target.is_file() or (target / "index.html").is_file()):
                broken.append(f"/{path}: {href}")
    assert broken == []


def test_notebook_pages_switch_language_to_the_same_notebook_and_stay_out_of_search_and_navigation(site):
    vi = (site / NOTEBOOK / "index.html").read_text(encoding="utf-8")
    zh = (site / "zh" / NOTEBOOK / "index.html").read_text(encoding="utf-8")
    assert re.search(rf'href="(\.\./)+zh/{NOTEBOOK}/" hreflang="zh"', vi)
    assert re.search(rf'href="(\.\./)+{NOTEBOOK}/" hreflang="vi"', zh)
    assert "Mở dạng sổ tay" in (site / "training-basics/activations/index.html").read_text(encoding="utf-8")
    assert "以 Jupyter 笔记本打开" in (site / "zh/training-basics/activations/index.html").read_text(encoding="utf-8")
    for lang in ("vi", "zh"):
        index = json.loads((site / f"search/search_index.{lang}.json").read_text(encoding="utf-8"))
        assert not [doc for doc in index["docs"] if "/notebook/" in doc["location"]]
    primary = vi[vi.index('md-nav--primary'):]
    assert "notebook" not in primary[: primary.index("</nav>")]  # not in the navigation


def test_one_search_index_per_language(site):
    for lang, prefix_ok in (("vi", lambda loc: not loc.startswith("zh/")), ("zh", lambda loc: loc.startswith("zh/"))):
        index = json.loads((site / f"search/search_index.{lang}.json").read_text(encoding="utf-8"))
        assert index["config"]["lang"] == [lang]
        locations = [doc["location"] for doc in index["docs"]]
        assert locations and all(prefix_ok(loc) for loc in locations)
        assert (f"zh/{CARD}/" if lang == "zh" else f"{CARD}/") in locations
    # each page loads the script that picks its language's index, before Material's bundle
    html = page(site, "zh")
    assert html.index("search-language.js") < html.index("bundle.")


@pytest.mark.parametrize(("lang", "title"), [("vi", 'title="chuẩn hóa theo tầng (layer normalization)'),
                                             ("zh", 'title="层归一化 (layer normalization)')])
def test_abbreviations_have_hover_definitions_in_the_readers_language(site, lang, title):
    assert f"<abbr {title}" in page(site, lang)


@pytest.mark.parametrize(("lang", "topic"), [("vi", "Chuẩn hóa"), ("zh", "归一化")])
def test_generated_home_tags_and_glossary_pages(site, lang, topic):
    prefix = "" if lang == "vi" else "zh/"
    home = (site / prefix / "index.html").read_text(encoding="utf-8")
    assert f'href="{CARD}/"' in home and f">{topic}</h2>" in re.sub(r"<a class=\"headerlink.*?</a>", "", home)
    glossary = (site / prefix / "glossary/index.html").read_text(encoding="utf-8")
    assert "layer normalization" in glossary and f"../{CARD}/" in glossary
    tags = (site / prefix / "tags/index.html").read_text(encoding="utf-8")
    assert 'id="normalization"' in tags and f"../{CARD}/" in tags


def test_search_index_segments_chinese(site):
    index = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
    assert set(index["config"]["lang"]) >= {"vi", "zh"}
    assert "\\u200b" in index["config"]["separator"]
    locations = {d["location"] for d in index["docs"]}
    assert {f"{CARD}/", f"zh/{CARD}/"} <= locations  # each language keeps its own page entry
    chinese = [d["text"] for d in index["docs"] if d["location"].startswith("zh/")]
    assert chinese and any("\u200b" in text for text in chinese)  # jieba inserted word breaks


def test_two_builds_give_the_same_pages(site, tmp_path):
    again = tmp_path / "again"
    assert build.main(["build", "--root", str(REPO), "--site-dir", str(again)]) == 0
    for lang in ("vi", "zh"):
        assert page(again, lang) == page(site, lang)


def test_snippets_are_deterministic_when_run_again(real_site):
    """A fresh run of every snippet the site uses (no cache) gives the stored output, values, tables
    and figures -- all but the measured times a snippet lists in TIMINGS (``make verify``)."""
    from scripts import pipeline
    from scripts.config import Project

    assert pipeline.verify(Project.load(REPO)) == []


@pytest.mark.parametrize(("lang", "card", "words"), [
    ("zh", "normalization/batch-norm", ["批量规范化", "移动平均", "小批量"]),
    ("zh", "normalization/layer-norm", ["层规范化"]),
    ("zh", "normalization/bn-vs-ln", ["词元", "批量规范化", "层规范化"]),
    ("zh", "normalization/group-rms-norm", ["组规范化", "均方根规范化"]),
    ("zh", "normalization/batch-norm-practice", ["批量规范化", "暂退法"]),
    ("vi", "normalization/batch-norm", ["chuẩn hoá theo batch", "thống kê chạy", "phương sai lệch"]),
    ("vi", "normalization/layer-norm", ["chuẩn hóa theo lớp"]),
    ("vi", "normalization/group-rms-norm", ["chuẩn hóa theo thực thể"]),
    ("vi", "normalization/batch-norm-practice", ["chuẩn hóa theo lô"]),
    ("zh", "training-basics/minibatch-gd", ["全批量梯度下降", "小批次"]),
    ("zh", "training-basics/vectorization", ["矢量化", "广播机制"]),
    ("zh", "training-basics/bias-variance", ["偏差方差权衡"]),
    ("vi", "training-basics/minibatch-gd", ["hạ gradient theo lô nhỏ", "kích thước lô"]),
    ("vi", "training-basics/vectorization", ["cơ chế lan truyền"]),
    ("vi", "training-basics/bias-variance", ["tập phát triển"]),
    ("zh", "training-basics/activations", ["神经元死亡", "归一化指数函数", "误差反向传播"]),
    ("zh", "training-basics/vanishing-exploding", ["梯度消失", "梯度爆炸", "误差反向传播"]),
    ("vi", "training-basics/activations", ["nơ-ron chết", "hàm logistic"]),
    ("vi", "training-basics/vanishing-exploding", ["tiêu biến gradient", "xén gradient", "mạng nơ-ron truy hồi"]),
])
def test_search_finds_cards_by_the_textbooks_words(site, lang, card, words):
    """d2l-zh / d2l-vi words (glossary aliases) are in the card's entries; Chinese ones kept whole by jieba."""
    index = json.loads((site / f"search/search_index.{lang}.json").read_text(encoding="utf-8"))
    prefix = "zh/" if lang == "zh" else ""
    text = " ".join(d["text"] for d in index["docs"] if d["location"].startswith(f"{prefix}{card}/"))
    for word in words:
        assert re.search(rf"(^|[\s\u200b,、（）()]){re.escape(word)}($|[\s\u200b,、（）()])", text), word


def test_sitemap_lists_every_page_at_its_url_with_its_other_language(site):
    from scripts.chrome import site_paths

    xml = (site / "sitemap.xml").read_text(encoding="utf-8")
    base = "http://127.0.0.1:8000/"  # mkdocs.yml's site_url (SITE_URL overrides it)
    listed = [loc.removeprefix(base) for loc in re.findall(r"<loc>([^<]+)</loc>", xml)]
    assert sorted(listed) == site_paths(site) and len(listed) > 40  # notebook pages included, 404 not
    assert {"", "zh/", "glossary/", "zh/tags/", f"{CARD}/", f"zh/{CARD}/notebook/"} <= set(listed)  # home pages too
    assert "None" not in xml and "/./" not in xml and "lastmod" not in xml  # two builds, one sitemap
    assert f'<xhtml:link rel="alternate" hreflang="zh" href="{base}zh/{CARD}/"/>' in xml
    import gzip

    assert gzip.decompress((site / "sitemap.xml.gz").read_bytes()).decode("utf-8") == xml


def _material_strings(lang: str) -> dict[str, str]:
    """Material's interface strings in ``lang`` (our override first, as the theme loads it)."""
    import material

    ours = REPO / "overrides/partials/languages" / f"{lang}.html"
    theirs = Path(material.__file__).parent / "templates/partials/languages" / f"{lang}.html"
    text = (ours if ours.is_file() else theirs).read_text(encoding="utf-8")
    return dict(re.findall(r'^\s*"([\w.]+)": "([^"]*)"', text, flags=re.M))


def test_the_theme_speaks_the_pages_language(site):
    """No interface string of Material shows in English on a vi or zh page (outside the article), and
    the toc's permalinks and the footer are in the page's language."""
    english = _material_strings("en")
    leftovers = []
    for html_file in site.rglob("*.html"):
        lang = "zh" if html_file.relative_to(site).parts[0] == "zh" else "vi"
        local = _material_strings(lang)
        text = html_file.read_text(encoding="utf-8")
        chrome = re.sub(r"<article.*?</article>", "", text, flags=re.S)
        for key, value in english.items():
            if len(value) > 3 and local.get(key) != value and re.search(rf'[>"]{re.escape(value)}[<"]', chrome):
                leftovers.append(f"{html_file.relative_to(site)}: {key} = {value!r}")
        assert 'title="Permanent link"' not in text and "Made with" not in text, html_file
    assert leftovers == []
