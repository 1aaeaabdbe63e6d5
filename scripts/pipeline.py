"""The orchestrator: collect -> execute (only what the cache lacks) -> store -> validate by injecting.

``prepare`` is what both ``python -m scripts.build`` and the MkDocs hook call; when the
cache is warm it only hashes files, so calling it again for each language costs nothing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from scripts import checks, data, execute, inject, store
from scripts.collect import Page, collect, snippets_used
from scripts.config import Project
from scripts.i18n import missing_languages
from scripts.problems import BuildFailed, Problem
from scripts.result import Result


@dataclass
class Prepared:
    pages: list[Page]
    results: dict[str, Result]  # snippet path relative to snippets/ -> result
    executed: list[str] = field(default_factory=list)
    cached: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0

    def context(self, project: Project, site_data: data.SiteData) -> inject.Context:
        """What injection needs to render any page."""
        return inject.Context(project, self.results, tuple(self.pages), site_data)

    def summary(self) -> str:
        ran = ", ".join(self.executed) or "none"
        return (f"{len(self.results)} snippet(s): {len(self.cached)} from cache, "
                f"{len(self.executed)} executed ({ran}) in {self.seconds:.1f} s")


def prepare(project: Project) -> Prepared:
    """Collect every page and make sure each snippet it uses has a stored result."""
    start = time.perf_counter()
    pages, problems = collect(project)
    problems += [Problem(project.root / "scripts" / "i18n.py", 1, f"no messages for language '{lang}'")
                 for lang in missing_languages(project.languages)]
    prepared = Prepared(pages=pages, results={}, problems=problems)
    pending = []
    for snippet in snippets_used(pages, project):
        key = store.cache_key(snippet, project)
        result = store.load(key, project)
        if result is None:
            pending.append((snippet, key))
        else:
            prepared.results[result.snippet] = result
            prepared.cached.append(result.snippet)
    for result in execute.run_many(pending, project):
        prepared.results[result.snippet] = result
        prepared.executed.append(result.snippet)
        if result.ok:
            store.save(result, project)  # failures are not cached: the next build runs them again
        else:
            prepared.problems.append(_snippet_problem(result, project))
    prepared.seconds = time.perf_counter() - start
    return prepared


def _snippet_problem(result: Result, project: Project) -> Problem:
    error = result.error
    path = Path(error.file) if error else project.snippets_dir / result.snippet
    message = f"{error.type}: {error.message}" if error else "failed"
    return Problem(path, error.line if error else 1, message)


def validate(prepared: Prepared, project: Project) -> list[Problem]:
    """Every problem of the site: collect, execution, and each reference rendered once."""
    site_data = data.load(project)
    problems = list(prepared.problems)
    problems += checks.check_pages(prepared.pages, site_data, project)
    context = prepared.context(project, site_data)
    for page in prepared.pages:
        _, found = inject.render(page, page.text, context)
        problems += found
    return sorted(set(problems))


def build_results(project: Project) -> Prepared:
    """prepare + validate; raises BuildFailed listing every problem at once."""
    prepared = prepare(project)
    problems = validate(prepared, project)
    if problems:
        raise BuildFailed(problems)
    return prepared
