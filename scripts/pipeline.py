"""The orchestrator: collect -> execute (only what the cache lacks) -> store -> validate by injecting.

``prepare`` is what both ``python -m scripts.build`` and the MkDocs hook call; when the
cache is warm it only hashes files, so calling it again costs little.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from scripts import checks, data, engine, inject, notebooks, source, store
from scripts.collect import Page, collect, snippets_used
from scripts.config import Project
from scripts.i18n import missing_languages
from scripts.log import log
from scripts.problems import BuildFailed, Problem
from scripts.result import Result
from scripts.search import keywords as search_keywords

SLOWEST = 3  # how many of the slowest snippets the report names
WARNING_LINE = re.compile(r"^(?P<file>[^\n]+?):(?P<line>\d+): (?P<text>\w*Warning: .*)$", re.M)


@dataclass
class Prepared:
    pages: list[Page]
    results: dict[str, Result]  # snippet path relative to snippets/ -> result
    executed: list[str] = field(default_factory=list)
    cached: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    rendered: dict[tuple, tuple[str, list[Problem]]] = field(default_factory=dict)
    notebooks: dict = field(default_factory=dict)  # card page path -> executed notebook (when enabled)
    notebook_failures: dict = field(default_factory=dict)  # card page path -> Problem
    notebook_runs: int = 0
    notebook_running: set = field(default_factory=set)  # under serve: card pages whose notebook is running

    def context(self, project: Project, site_data: data.SiteData | None) -> inject.Context:
        """What injection needs to render any page."""
        return inject.Context(project, self.results, tuple(self.pages), site_data)

    def render(self, page: Page, text: str, first_line: int, context: inject.Context) -> tuple[str, list[Problem]]:
        """``inject.render``, remembered: validation renders each page, the MkDocs hook reuses it
        (mkdocs-static-i18n hands the hook the lines re-joined, without the final newline)."""
        key = (page.path, page.lang, "\n".join(text.splitlines()), first_line, context.data is None)
        if key not in self.rendered:
            self.rendered[key] = inject.render(page, text, context, first_line)
        return self.rendered[key]

    def summary(self) -> str:
        """Snippets run and taken from the cache, the slowest runs, the time it all took."""
        text = (f"{len(self.results)} snippet(s): {len(self.executed)} run, {len(self.cached)} from cache, "
                f"in {self.seconds:.1f} s")
        runs = sorted((self.results[name] for name in self.executed), key=lambda r: -r.duration)
        if runs:
            text += "; slowest: " + ", ".join(f"{r.snippet} {r.duration:.1f} s" for r in runs[:SLOWEST])
        return text


def prepare(project: Project, remember_failures: bool = False,
            while_running: Callable[[], None] | None = None) -> Prepared:
    """Collect every page and make sure each snippet it uses has a result (stored when it succeeded).

    ``remember_failures`` (``make serve``): a snippet that failed is not run again until it, a
    module it imports or a file under ``snippets/`` changes, so editing a card does not wait
    for a snippet that hangs. ``while_running`` is started in a thread when snippets must run
    (``make build`` loads MkDocs then, while a core waits for the snippets' libraries)."""
    start = time.perf_counter()
    source.forget()
    pages, problems = collect(project)
    problems += [Problem(project.root / "scripts" / "i18n.py", 1, f"no messages for language '{lang}'")
                 for lang in missing_languages(project.languages)]
    prepared = Prepared(pages=pages, results={}, problems=problems)
    with store.CacheLock(project):
        pending = _take_from_cache(prepared, project, remember_failures)
        _run(pending, prepared, project, remember_failures, while_running)
        store.prune(project, used={result.key for result in prepared.results.values()})
    prepared.seconds = time.perf_counter() - start
    return prepared


def _run(pending: list[tuple[Path, str]], prepared: Prepared, project: Project, remember_failures: bool,
         while_running: Callable[[], None] | None) -> None:
    """Run what the cache lacks; store each result the moment its run ends."""
    if not pending:
        return

    def finished(result: Result) -> None:
        store.save(result, project)  # at once: Ctrl-C later loses nothing that finished
        _record(prepared, result, project)
        _log_warnings(result, project)
        if not result.ok and remember_failures:
            _failures[_failure_key(result.key, project)] = result

    helper = threading.Thread(target=while_running, daemon=True) if while_running else None
    if helper:
        helper.start()
    try:
        engine.run(pending, project, on_result=finished)
    finally:
        if helper:
            helper.join()  # MkDocs' configuration is not safe to load twice at once


_failures: dict[tuple, Result] = {}


def _take_from_cache(prepared: Prepared, project: Project, remember_failures: bool) -> list[tuple[Path, str]]:
    """Fill ``prepared`` with stored results; return the (snippet, key) pairs still to run."""
    pending = []
    for snippet in snippets_used(prepared.pages, project):
        key = store.cache_key(snippet, project)
        result = store.load(key, project)
        if result is None and remember_failures:
            result = _failures.get(_failure_key(key, project))
        if result is None:
            pending.append((snippet, key))
        else:
            prepared.results[result.snippet] = result
            prepared.cached.append(result.snippet)
            if not result.ok:
                prepared.problems.append(_snippet_problem(result, project))
    return pending


def _log_warnings(result: Result, project: Project) -> None:
    """Python warnings a snippet printed (deprecations, numerical trouble): shown, not hidden in stderr."""
    for match in list(WARNING_LINE.finditer(result.stderr))[:5]:
        log.warning("%s:%s: %s (a warning of snippets/%s)", project.relative(Path(match["file"])), match["line"],
                    match["text"], result.snippet)


def _record(prepared: Prepared, result: Result, project: Project) -> None:
    prepared.results[result.snippet] = result
    prepared.executed.append(result.snippet)
    if not result.ok:
        prepared.problems.append(_snippet_problem(result, project))


def _failure_key(key: str, project: Project) -> tuple:
    """A failure holds while the snippet, its limits and every file under snippets/ are unchanged."""
    digest = hashlib.sha256()
    for path in sorted(project.snippets_dir.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path).encode() + b"\0" + path.read_bytes())
    return key, project.limits, digest.hexdigest()


def _snippet_problem(result: Result, project: Project) -> Problem:
    error = result.error
    path = Path(error.file) if error else project.snippets_dir / result.snippet
    message = error.details() if error else "failed"
    return Problem(path, error.line if error else 1, message)


def validate(prepared: Prepared, project: Project, serving: bool = False) -> list[Problem]:
    """Every problem of the site: collect, execution, and each reference rendered once; and the
    notebooks (``serving``: those missing run in the background, see notebooks/background.py)."""
    site_data = data.load(project)
    problems = list(prepared.problems)
    problems += checks.check_pages(prepared.pages, site_data, project)
    problems += search_keywords.unknown_cards(prepared.pages, site_data, project.root / "data" / "glossary.yml")
    context = prepared.context(project, site_data)
    for page in prepared.pages:
        rendered, found = prepared.render(page, page.body, page.body_line, context)
        problems += found + _page_size_problem(page, rendered, project)
    if project.notebooks and serving:
        prepared.notebooks, prepared.notebook_failures, prepared.notebook_running = \
            notebooks.notebooks_while_serving(prepared.pages, context)
        problems += set(prepared.notebook_failures.values())
    elif project.notebooks:
        start = time.perf_counter()
        prepared.notebooks, prepared.notebook_failures, prepared.notebook_runs = notebooks.executed_notebooks(
            prepared.pages, context)
        problems += set(prepared.notebook_failures.values())
        if prepared.notebook_runs:
            log.info("%d notebook(s): %d notebook run(s) in %.1f s", len(prepared.notebooks),
                     prepared.notebook_runs, time.perf_counter() - start)
    return sorted(set(problems))


def _page_size_problem(page: Page, rendered: str, project: Project) -> list[Problem]:
    size = len(rendered.encode("utf-8")) / 2**20
    if size <= project.page_mb:
        return []
    return [Problem(page.path, 1, f"the page is {size:.1f} MiB with its results injected; the limit is "
                                  f"{project.page_mb:g} MiB (DLCARDS_PAGE_MB): printed output and tables are inlined")]


def build_results(project: Project, while_running: Callable[[], None] | None = None) -> Prepared:
    """prepare + validate; raises BuildFailed listing every problem at once."""
    prepared = prepare(project, while_running=while_running)
    problems = validate(prepared, project)
    if problems:
        raise BuildFailed(problems)
    return prepared


_handed_over: dict[Path, Prepared] = {}


def hand_over(prepared: Prepared, project: Project) -> None:
    """Give validated results to the MkDocs build that follows in this process (no second pass)."""
    _handed_over[project.root] = prepared


def take_handed_over(project: Project) -> Prepared | None:
    return _handed_over.pop(project.root, None)


def verify(project: Project) -> list[tuple[str, str]]:
    """Run every snippet the pages use again, without the cache, and compare: (snippet, what
    differs) for each one whose output, values, tables or figures changed (timings excepted).
    A snippet with no stored result is run twice."""
    pages, _ = collect(project)
    jobs = [(snippet, store.cache_key(snippet, project)) for snippet in snippets_used(pages, project)]
    reference = {key: store.load(key, project) for _, key in jobs}
    unstored = [job for job in jobs if reference[job[1]] is None]
    reference.update((r.key, r) for r in engine.run(unstored, project))
    differences = []
    for fresh in engine.run(jobs, project):
        before = reference[fresh.key]
        if not (fresh.ok and before.ok):
            error = (fresh.error or before.error)
            differences.append((fresh.snippet, f"failed: {error.summary if error else 'unknown error'}"))
        elif fresh.reproducible() != before.reproducible():
            differences.append((fresh.snippet, first_difference(before, fresh)))
    return differences


def first_difference(a: Result, b: Result) -> str:
    """Where two runs of a snippet first disagree, in words."""
    if a.stdout != b.stdout:
        lines_a, lines_b = a.stdout.split("\n"), b.stdout.split("\n")
        pairs = enumerate(zip(lines_a, lines_b, strict=False))
        number = next((i for i, (x, y) in pairs if x != y), min(len(lines_a), len(lines_b)))
        return f"printed output, line {number + 1}"
    for kind, left, right in (("value", a.values, b.values), ("table", a.tables, b.tables)):
        names = sorted(name for name in set(left) | set(right)
                       if name not in a.timings and left.get(name) != right.get(name))
        if names:
            return f"{kind} {', '.join(repr(n) for n in names)}"
    names = [fa["name"] for fa, fb in zip(a.figures, b.figures, strict=False)
             if fa != fb and fa["name"] not in a.timings]
    return f"figure {', '.join(repr(n) for n in names)}" if names else "the list of figures"
