"""Inject stage: replace each directive of a page by its stored result, in the page's language.

Pure text in, text out: ``render(page, text, context)`` reads no snippet output from
anywhere but ``context.results``, so it is cheap enough to run inside the MkDocs hook for
every language, and the orchestrator runs it once beforehand to validate every page.
Each page also gets the glossary's abbreviations, with definitions in its language.

    blocks.py   one renderer per directive kind
    escape.py   how produced text enters a page: always as text, never as markup
"""

from __future__ import annotations

import html
from dataclasses import dataclass, replace

from scripts import catalog
from scripts.collect import Page, Reference, SnippetPathError, find_references, resolve_snippet
from scripts.config import Project
from scripts.data import SiteData
from scripts.i18n import message
from scripts.inject.blocks import RENDERERS, Unresolved, code, indented
from scripts.inject.escape import fenced, literal
from scripts.problems import Problem
from scripts.result import Result

__all__ = ["Context", "Unresolved", "render"]


@dataclass(frozen=True)
class Context:
    """What injection reads: the project, stored results, every page, and site data."""

    project: Project
    results: dict[str, Result]
    pages: tuple[Page, ...] = ()
    data: SiteData | None = None


def render(page: Page, text: str, context: Context, first_line: int = 1,
           whole_page: bool = True) -> tuple[str, list[Problem]]:
    """The page's Markdown with every directive replaced, and the problems found.

    ``first_line`` is the file line where ``text`` starts (MkDocs hands hooks the page
    without its front matter), so reported lines are the author's lines. A ``whole_page`` gets
    the card's terms line and the glossary's abbreviations at its end (a notebook's Markdown
    cell, a part of the page, does not).
    """
    offset = first_line - 1
    references, found = find_references(text, page.path)
    problems = [Problem(p.path, p.line + offset, p.message) for p in found]
    lines = text.split("\n")
    for ref in sorted(references, key=lambda r: (r.line, -r.column)):  # right to left on each line
        ref = replace(ref, line=ref.line + offset)
        rendered, problem = _render_one(ref, page, context)
        if problem:
            problems.append(problem)
        line = lines[ref.line - offset - 1]
        lines[ref.line - offset - 1] = line[:ref.column] + rendered + line[ref.column + len(ref.text):]
    rendered = "\n".join(lines)
    if context.data is not None and whole_page:
        if page.is_card:
            rendered += "\n\n" + catalog.terms_line(_with_text(page, text), context.data)
        rendered += "\n\n" + catalog.abbreviations(page.lang, context.data) + "\n"
    return rendered, problems


def _with_text(page: Page, text: str) -> Page:
    """The page as ``catalog`` reads it: with the text being rendered (the hook's page has none)."""
    return page if page.text else replace(page, text=text)


def _render_one(ref: Reference, page: Page, context: Context) -> tuple[str, Problem | None]:
    """Markdown for one directive, or an in-page error box and the problem it stands for."""
    try:
        return _render_result(ref, page, context), None
    except Unresolved as exc:
        return error_box(ref, page.lang, exc.title_key, exc.detail), Problem(ref.path, ref.line, exc.message)


def _render_result(ref: Reference, page: Page, context: Context) -> str:
    if ref.kind == "catalog":
        if ref.name not in catalog.CATALOGS or context.data is None:
            raise Unresolved(f"unknown catalog '{ref.name}' (catalogs: {', '.join(catalog.CATALOGS)})")
        return indented(ref, catalog.render(ref.name, page, list(context.pages), context.data))
    try:
        path = resolve_snippet(ref.snippet, context.project)
    except SnippetPathError as exc:
        raise Unresolved(str(exc)) from None
    if ref.kind == "code":
        return code(ref, path)
    result = context.results.get(ref.snippet)
    if result is None:
        raise Unresolved(f"no result for snippets/{ref.snippet}: it was not run")
    if not result.ok:
        relative = context.project.relative
        where = result.error.location(relative) if result.error else "unknown error"
        detail = result.error.report(relative) if result.error else where
        raise Unresolved(f"uses snippets/{ref.snippet}, which failed: {where}", "snippet_failed", detail)
    return RENDERERS[ref.kind](ref, result, page.lang)


def error_box(ref: Reference, lang: str, title_key: str, detail: str) -> str:
    """What a reader sees in place of a result that could not be produced: a title and a sentence
    in their language, then the technical detail (as the build log gives it) as text."""
    intro = message(lang, f"{title_key}_intro").format(snippet=f"snippets/{ref.snippet}", line=ref.line)
    if not ref.is_block:
        tip = html.escape(f"{message(lang, title_key)}: {intro} {detail}", quote=True)
        return f'<span class="card-error" title="{tip}">⚠ {literal(ref.text)}</span>'
    body = "\n".join("    " + line if line else line
                     for line in f"{literal(intro)}\n\n{fenced(detail, 'text')}".split("\n"))
    return indented(ref, f'\n!!! failure "{message(lang, title_key)}"\n\n{body}\n')
