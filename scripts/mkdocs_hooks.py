"""MkDocs hook: a thin adapter from MkDocs events to the pipeline.

- ``on_pre_build``: ``pipeline.prepare`` (hashing only when the cache is warm; under
  ``mkdocs serve`` an edited snippet is re-run here, alone, before the reload), then
  ``pipeline.validate`` (card checks, parity, every reference).
- ``on_page_markdown``: ``inject.render`` the page in its own language.

When building, any problem aborts the build (nothing half-injected is written); when
serving, the page shows the error in the reader's language and the log names file and line.
"""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from scripts import data, inject, pipeline, search_index
from scripts.collect import Page, page_language, page_topic
from scripts.config import Project
from scripts.problems import BuildFailed

log = logging.getLogger("mkdocs.hooks.dlcards")
_state: dict = {"serving": False, "project": None, "prepared": None}


def on_startup(command, dirty):
    _state["serving"] = command == "serve"


def on_config(config):
    _state["project"] = Project.load(Path(config.config_file_path).parent)


def on_pre_build(config):
    project = _state["project"]
    data.clear_cache()  # data/*.yml may have changed under `mkdocs serve`
    prepared = pipeline.prepare(project)
    _state["prepared"] = prepared
    if prepared.executed:
        log.info("dlcards: %s", prepared.summary())
    try:
        problems = pipeline.validate(prepared, project)  # checks + every reference, all pages
    except BuildFailed as failure:  # data/*.yml itself is broken: nothing can be rendered
        raise PluginError(f"dlcards: the build stopped:\n{failure}") from failure
    _report(problems)


@event_priority(-200)  # after mkdocs-static-i18n has built this language's navigation
def on_nav(nav, config, files):
    """Name each topic section in the language of its pages, from data/topics.yml."""
    project = _state["project"]
    topics = data.load(project).topics
    for section in (item for item in nav.items if item.is_section):
        pages = [child for child in section.children if child.is_page]
        if not pages:
            continue
        source = Path(pages[0].file.abs_src_path)
        folder = page_topic(source, project)
        if folder in topics:
            section.title = topics[folder][page_language(source, project)]
    return nav


def on_page_markdown(markdown, page, config, files):
    project = _state["project"]
    source = Path(page.file.abs_src_path)
    card = Page(path=source, lang=page_language(source, project), topic=page_topic(source, project))
    full_text = source.read_text(encoding="utf-8")
    first_line = full_text[: max(full_text.find(markdown), 0)].count("\n") + 1
    context = _state["prepared"].context(project, data.load(project))
    rendered, _ = inject.render(card, markdown, context, first_line)
    return rendered  # its problems were reported by on_pre_build's validation


@event_priority(-200)  # after mkdocs-static-i18n (-100), which writes the merged index last
def on_post_build(config):
    """One search index per language, split from the merged one."""
    counts = search_index.split(Path(config.site_dir), _state["project"])
    if counts:
        log.info("dlcards: search index per language: %s", counts)


def _report(problems):
    if not problems:
        return
    if _state["serving"]:
        for problem in sorted(set(problems)):
            log.warning("dlcards: %s", problem)
        return
    raise PluginError(f"dlcards: the build stopped:\n{BuildFailed(problems)}")
