"""MkDocs hook: a thin adapter from MkDocs events to the pipeline.

- ``on_pre_build``: the results ``scripts/build.py`` prepared and validated, when it did; otherwise
  ``pipeline.prepare`` (hashing only when the cache is warm; under ``mkdocs serve`` an edited
  snippet is re-run here, alone, before the reload) and ``pipeline.validate``.
  mkdocs-static-i18n builds each further language inside the first build: those reuse it all.
- ``on_page_markdown``: ``inject.render`` the page in its own language.

When building, any problem aborts the build (nothing half-injected is written); when serving,
the page shows the error in the reader's language, the ``dlcards`` log names file and line, and
the server keeps serving (that log is not counted by strict mode).
"""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from scripts import chrome, data, pipeline
from scripts.collect import Page, page_language, page_topic
from scripts.config import Project
from scripts.inject import blocks as figure_blocks
from scripts.log import log
from scripts.notebooks import background
from scripts.notebooks import pages as notebook_pages
from scripts.problems import BuildFailed
from scripts.search import index as search_index
from scripts.search import words as search_words

mkdocs_log = logging.getLogger("mkdocs.hooks.dlcards")
_state: dict = {"serving": False, "project": None, "prepared": None, "data": None,
               "not_found": chrome.NotFoundPages()}


def on_startup(command, dirty):
    _state["serving"] = command == "serve"


def on_config(config):
    project = Project.load(Path(config.config_file_path).parent)
    _state["project"] = project
    watched = [project.snippets_dir, project.root / "data"]  # `serve` rebuilds when they change
    if project.notebooks:  # ... and when notebooks that ran in the background are ready
        watched.append(background.stamp_folder(project))
        watched[-1].mkdir(parents=True, exist_ok=True)
    for folder in watched:
        if folder.is_dir() and str(folder) not in map(str, config.watch):
            config.watch.append(str(folder))


def on_pre_build(config):
    if _is_nested_language_build(config):
        return  # the first language's build already prepared everything
    project = _state["project"]
    handed = pipeline.take_handed_over(project)
    if handed is not None:  # scripts/build.py prepared and validated this very build
        _state["prepared"], _state["data"] = handed, data.load(project)
        _teach_jieba(project, _state["data"])
        return
    data.clear_cache()  # data/*.yml may have changed under `mkdocs serve`
    prepared = pipeline.prepare(project, remember_failures=_state["serving"])
    _state["prepared"] = prepared
    if prepared.executed:
        log.info("%s", prepared.summary())
    try:
        _state["data"] = data.load(project)
        _teach_jieba(project, _state["data"])
        problems = pipeline.validate(prepared, project, serving=_state["serving"])  # checks, references
    except BuildFailed as failure:  # data/*.yml itself is broken
        _state["data"] = None
        _report(failure.problems)
        return
    _report(problems)


def _teach_jieba(project: Project, site_data) -> None:
    """Before MkDocs indexes the pages: jieba learns the glossary's Chinese terms (scripts/search/words.py)."""
    path = search_words.write_dictionary(site_data, project.cache_dir.parent / "search" / "jieba-glossary.txt")
    search_words.load_dictionary(path)


def _is_nested_language_build(config) -> bool:
    i18n = config.plugins.get("i18n")
    return bool(getattr(i18n, "building", False)) and _state["prepared"] is not None


@event_priority(-200)  # after mkdocs-static-i18n has built this language's navigation
def on_nav(nav, config, files):
    """Name each topic section in the language of its pages, from data/topics.yml."""
    project, site_data = _state["project"], _state["data"]
    if site_data is None:
        return nav
    for section in (item for item in nav.items if item.is_section):
        pages = [child for child in section.children if child.is_page]
        if not pages:
            continue
        source = Path(pages[0].file.abs_src_path)
        folder = page_topic(source, project)
        if folder in site_data.topics:
            section.title = site_data.topics[folder][page_language(source, project)]
    return nav


@event_priority(-200)  # after mkdocs-static-i18n (-100) has made this language's file list
def on_files(files, config):
    """This language's notebook pages (see scripts/notebooks/pages.py for why they are added here);
    the figures, as ``assets/figures/<hash>.svg`` (see scripts/inject/blocks.py)."""
    prepared, project = _state["prepared"], _state["project"]
    language = getattr(config.plugins.get("i18n"), "current_language", project.default_language)
    if prepared is not None and language == project.default_language:  # served once, for every language
        figure_blocks.add_files(files, config, prepared.results.values())
    if project.notebooks and prepared is not None:
        notebook_pages.add_files(files, config, language, prepared.pages, prepared.notebooks,
                                 prepared.notebook_failures, prepared.notebook_running, project)
    return files


def on_page_markdown(markdown, page, config, files):
    project = _state["project"]
    if hasattr(page.file, "notebook_card"):
        page.meta["search"] = {"exclude": True}  # the card itself is what search finds
        page.meta["glightbox"] = False  # no lightbox (and its inline <style>) on a notebook's outputs
        return markdown
    source = Path(page.file.abs_src_path)
    card = Page(path=source, lang=page_language(source, project), topic=page_topic(source, project))
    full_text = source.read_text(encoding="utf-8")
    first_line = full_text[: max(full_text.find(markdown), 0)].count("\n") + 1
    prepared = _state["prepared"]
    rendered, _ = prepared.render(card, markdown, first_line, prepared.context(project, _state["data"]))
    if source in prepared.notebooks or source in prepared.notebook_failures or source in prepared.notebook_running:
        rendered = _after_title(rendered, notebook_pages.card_links(card, project))
    rendered = figure_blocks.link_figures(rendered, page.url)  # each figure is a file of the site
    return rendered  # its problems were reported by on_pre_build's validation


def on_page_content(html, page, config, files):
    """A notebook page's body: the notebook rendered by mkdocs-jupyter (made offline)."""
    card = getattr(page.file, "notebook_card", None)
    if card is None:
        return html
    prepared, project = _state["prepared"], _state["project"]
    if card.path in prepared.notebook_failures:
        return notebook_pages.error_page(card, prepared.notebook_failures[card.path], project)
    if card.path in prepared.notebook_running:
        return notebook_pages.running_page(card)
    title_id = page.toc.items[0].id if page.toc.items else ""  # MkDocs' anchor for the page's "# title"
    return notebook_pages.render(prepared.notebooks[card.path], page.url, project, title_id)


def _after_title(markdown: str, line: str) -> str:
    """``line`` as its own paragraph right after the page's ``# title``."""
    lines = markdown.split("\n")
    title = next((i for i, text in enumerate(lines) if text.startswith("# ")), -1)
    return "\n".join([*lines[: title + 1], "", line, "", *lines[title + 1:]])


def on_page_context(context, page, config, nav):
    context["dlcards"] = chrome.template_strings(config.theme["language"])  # overrides/ templates' words
    return context


def on_template_context(context, template_name, config):
    context["dlcards"] = chrome.template_strings(config.theme["language"])  # 404.html, sitemap.xml
    return context


def on_post_page(output, page, config):
    return chrome.localize(output, config.theme["language"])


def on_post_template(output_content, template_name, config):
    if not template_name.endswith(".html"):
        return output_content
    output = chrome.localize(output_content, config.theme["language"])
    if template_name == chrome.NOT_FOUND:  # the next language's build will overwrite site/404.html
        _state["not_found"].keep(config.theme["language"], output)
    return output


@event_priority(-200)  # after mkdocs-static-i18n (-100), which writes the merged index last
def on_post_build(config):
    """One search index per language, split from the merged one, with card names and readable previews."""
    prepared = _state["prepared"]
    pages = prepared.pages if prepared is not None else []
    counts = search_index.write_language_indexes(Path(config.site_dir), _state["project"], pages, _state["data"])
    project = _state["project"]
    _state["not_found"].place(Path(config.site_dir), project.default_language)
    chrome.write_sitemap(Path(config.site_dir), config.site_url or "/", project.languages, project.default_language)
    if counts:
        mkdocs_log.debug("dlcards: search index per language: %s", counts)


def _report(problems):
    if not problems:
        return
    if _state["serving"]:
        for problem in sorted(set(problems)):
            log.warning("%s", problem)
        log.warning("%d problem(s): the pages show them; the server keeps serving", len(set(problems)))
        return
    raise PluginError(f"dlcards: the build stopped:\n{BuildFailed(problems)}")
