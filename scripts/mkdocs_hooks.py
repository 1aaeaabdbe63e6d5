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

from scripts import data, inject, pipeline
from scripts.collect import Page, page_language
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
    _report(pipeline.validate(prepared, project))  # checks + every reference, all pages


def on_page_markdown(markdown, page, config, files):
    project = _state["project"]
    source = Path(page.file.abs_src_path)
    relative = source.resolve().relative_to(project.docs_dir.resolve())
    topic = relative.parts[0] if len(relative.parts) > 1 else ""
    card = Page(path=source, lang=page_language(source, project), topic=topic)
    full_text = source.read_text(encoding="utf-8")
    first_line = full_text[: max(full_text.find(markdown), 0)].count("\n") + 1
    rendered, _ = inject.render(card, markdown, _state["prepared"].results, project, first_line)
    return rendered  # its problems were reported by on_pre_build's validation


def _report(problems):
    if not problems:
        return
    if _state["serving"]:
        for problem in sorted(set(problems)):
            log.warning("dlcards: %s", problem)
        return
    raise PluginError(f"dlcards: the build stopped:\n{BuildFailed(problems)}")
