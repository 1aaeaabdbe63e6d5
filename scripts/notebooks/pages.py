"""Notebook pages on the site: each card's notebook, per language, at ``<topic>/<card>/notebook/``,
with the executed ``.ipynb`` beside it to download.

Why not the mkdocs-jupyter *plugin*: mkdocs-static-i18n rebuilds the file list from ``docs/`` as
plain files and drops the plugin's notebook files, so notebook pages come out as raw JSON
(upstream ultrabug/mkdocs-static-i18n#198). This module is the one place that works around it:
after i18n has made the file list of the language being built, the hook adds that language's
notebook pages as generated pages (not in the navigation, not in search), and each page's HTML
is mkdocs-jupyter's own rendering (``mkdocs_jupyter.convert.nb2html``), made offline here: the
MathJax and Mermaid loaders it points at CDNs are removed (the site's vendored KaTeX renders the
formulas), and its stylesheet, several hundred kB inlined into every page, is served once.
"""

from __future__ import annotations

import hashlib
import logging
import re
import tempfile
from html import escape as html_escape
from importlib import metadata
from pathlib import Path
from types import SimpleNamespace

import nbformat
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.utils import get_relative_url

from scripts.collect import Page
from scripts.config import Project
from scripts.i18n import message
from scripts.notebooks import store

STYLESHEET = "assets/stylesheets/notebook.css"
STYLE = re.compile(r"<style[^>]*>(.*?)</style>", re.S)
SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.S)
OUTSIDE = re.compile(r"https?://|//cdn", re.I)
TITLE = re.compile(r'<h1 id="([^"]*)">(.*?)</h1>', re.S)


def notebook_folder(card: Page, project: Project) -> str:
    """``training-basics/activations/notebook`` for ``docs/training-basics/activations.vi.md``."""
    return f"{card.path.parent.relative_to(project.docs_dir).as_posix()}/{card.slug}/notebook"


def language_prefix(lang: str, project: Project) -> str:
    return "" if lang == project.default_language else f"{lang}/"


def download_name(card: Page) -> str:
    return f"{card.slug}.{card.lang}.ipynb"


def add_files(files: Files, config, lang: str, cards: list[Page], notebooks: dict, failures: dict,
              running: set, project: Project) -> None:
    """The notebook pages and ``.ipynb`` files of the language being built, and the stylesheet.
    A notebook that failed, or (under ``make serve``) is running, still has its page: it says so."""
    for card in (card for card in cards
                 if card.lang == lang and (card.path in notebooks or card.path in failures or card.path in running)):
        folder = notebook_folder(card, project)
        page = File.generated(config, f"{language_prefix(lang, project)}{folder}.md",
                              content=f"# {card.title}\n", inclusion=InclusionLevel.NOT_IN_NAV)
        page.notebook_card = card
        _as_i18n_file(page, lang, folder, project)
        files.append(page)
        if card.path in notebooks:
            files.append(File.generated(config, f"{language_prefix(lang, project)}{folder}/{download_name(card)}",
                                        content=nbformat.writes(notebooks[card.path])))
    if lang == project.default_language and (notebooks or failures or running):
        files.append(File.generated(config, STYLESHEET, content=_stylesheet(project)))


def _as_i18n_file(file: File, lang: str, folder: str, project: Project) -> None:
    """What mkdocs-static-i18n reads to point the language switcher at the same notebook."""
    file.locale = file.locale_alternate_of = lang
    file.localization = lang
    file.alternates = {other: SimpleNamespace(url=f"{language_prefix(other, project)}{folder}/")
                       for other in project.languages}


def card_links(card: Page, project: Project) -> str:
    """The card's localized links to its notebook page and to the ``.ipynb`` (raw HTML: MkDocs
    does not resolve generated pages across languages)."""
    return (f'<p class="card-notebook"><a class="md-button" href="notebook/">'
            f'{message(card.lang, "open_notebook")}</a> '
            f'<a class="md-button" href="notebook/{download_name(card)}" download>'
            f'{message(card.lang, "download_notebook")}</a></p>')


def error_page(card: Page, problem, project: Project) -> str:
    """What a notebook page shows when its notebook did not run (``make serve`` keeps serving)."""
    detail = html_escape(f"{project.relative(problem.path)}:{problem.line}: {problem.message}")
    return (f'<h1>{html_escape(card.title)}</h1><div class="admonition failure">'
            f'<p class="admonition-title">{message(card.lang, "notebook_failed")}</p>'
            f'<pre><code>{detail}</code></pre></div>')


def running_page(card: Page) -> str:
    """Under ``make serve``, while the card's notebook runs again in the background."""
    return (f'<h1>{html_escape(card.title)}</h1><div class="admonition info">'
            f'<p class="admonition-title">{message(card.lang, "notebook_running")}</p></div>')


def render(notebook: nbformat.NotebookNode, page_url: str, project: Project, title_id: str = "") -> str:
    """The notebook as HTML by mkdocs-jupyter, without anything loaded from outside the site;
    cached by content (a warm build converts nothing). ``title_id``: the anchor MkDocs gave the
    page's title (see ``_with_title_id``)."""
    text = nbformat.writes(notebook)
    key = hashlib.sha256((_converter_version() + text).encode() + Path(__file__).read_bytes()).hexdigest()[:24]
    cached = store.folder(project) / "html" / f"{key}.html"
    if cached.is_file():
        html = cached.read_text(encoding="utf-8")
    else:
        html = STYLE.sub("", _converted(text))
        html = SCRIPT.sub(lambda script: "" if OUTSIDE.search(script.group()) else script.group(), html)
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_text(html, encoding="utf-8")
    link = get_relative_url(STYLESHEET, page_url)
    return f'<link rel="stylesheet" href="{link}">\n{_with_title_id(html, title_id)}'


def _with_title_id(html: str, title_id: str) -> str:
    """Accessibility: the page's "skip to content" link points at the title's anchor as MkDocs made
    it (mkdocs.yml's toc slugify keeps Vietnamese and Chinese letters), but nbconvert makes ASCII
    anchors (empty for a Chinese title): the notebook's title takes the page's, so the link lands."""
    title = TITLE.search(html)
    if not title or not title_id:
        return html
    old, new = title.group(1), html_escape(title_id)
    heading = title.group().replace(f'id="{old}"', f'id="{new}"', 1).replace(f'href="#{old}"', f'href="#{new}"')
    return html[:title.start()] + heading + html[title.end():]


def _converter_version() -> str:
    return metadata.version("mkdocs-jupyter") + metadata.version("nbconvert")


def _converted(text: str) -> str:
    from mkdocs_jupyter.convert import nb2html  # slow to import: only when a notebook page is built

    logging.getLogger("mkdocs.mkdocs-jupyter").setLevel(logging.WARNING)  # one "Converting notebook" line each
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "notebook.ipynb"
        path.write_text(text, encoding="utf-8")
        return nb2html(str(path), theme="light", include_requirejs=False, custom_mathjax_url="")


def _stylesheet(project: Project) -> str:
    """mkdocs-jupyter's inlined CSS, once (the same for every notebook; cached per version)."""
    cached = store.folder(project) / "html" / f"notebook-{_converter_version()}.css"
    if not cached.is_file():
        empty = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("", id="cell-1")])
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_text("\n".join(STYLE.findall(_converted(nbformat.writes(empty)))), encoding="utf-8")
    return cached.read_text(encoding="utf-8")
