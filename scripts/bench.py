"""Benchmark, in one run on this machine: how the build compares with its limit and the naive way.

    python -m scripts.bench        (or: make bench)

Measured, each once, with an empty temporary cache (the project's own cache is not touched):

- cold build: ``python -m scripts.build build``, every snippet runs (the notebook stage off, so the
  ratios below compare the snippet pipeline with its own naive way and limit);
- naive: every snippet as its own ``python snippets/<...>.py``, one after another;
- the limit: one import of the preloaded libraries + the snippets' own compute (as each child
  measured it) spread over the cores + a bare MkDocs build of the same pages; and the same limit
  with the snippets that measure time counted one after another, since the build runs them alone;
- warm build: the same command again (nothing runs), against a bare ``mkdocs build`` without the
  hook of the pages as injected (the same pages a reader gets) and, for reference, of the card
  sources as written: each the median of five runs, taken in turn;
- serve: seconds from saving an edited card, and an edited snippet, to the served page showing it;
- the notebook stage: the build with it on, the first time (every card's notebook runs) and warm
  (none may run).

It prints a table with the ratios the engine is held to, and the machine's name.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from scripts import data, inject, source
from scripts.collect import collect, snippets_used
from scripts.config import Project
from scripts.engine.machine import machine_name
from scripts.engine.pool import BASE_PRELOAD, CHILD_ENVIRONMENT
from scripts.pipeline import prepare

TARGETS = {"naive": 2.2, "limit": 1.3, "bare": 1.10}
REPEATS = 5  # warm and bare builds: each the median of this many interleaved runs
ROOT = Path(__file__).resolve().parents[1]


def _timed(command: list[str], environment: dict, cwd: Path = ROOT) -> tuple[float, str]:
    start = time.perf_counter()
    run = subprocess.run(command, capture_output=True, text=True, env=environment, cwd=cwd)
    seconds = time.perf_counter() - start
    if run.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{run.stdout}\n{run.stderr}")
    return seconds, run.stdout + run.stderr


def _environment(cache: Path, notebooks: bool = False) -> dict:
    """The snippet pipeline alone unless ``notebooks``: the notebook stage is measured on its own."""
    return {**os.environ, "DLCARDS_CACHE_DIR": str(cache), "NO_MKDOCS_2_WARNING": "1",
            "DLCARDS_NOTEBOOKS": "1" if notebooks else "0"}


def builds(work: Path) -> dict:
    """Cold and warm ``scripts.build build`` with a fresh cache; what ran and how long it computed."""
    environment = _environment(work / "cache")
    command = [sys.executable, "-m", "scripts.build", "build", "--site-dir", str(work / "site")]
    cold, output = _timed(command, environment)
    durations, timed = {}, set()
    for entry in (work / "cache").glob("*.json"):
        result = json.loads(entry.read_text(encoding="utf-8"))["result"]
        durations[result["snippet"]] = result["duration"]
        if result["timings"]:
            timed.add(result["snippet"])
    return {"cold": cold, "durations": durations, "timed": timed, "ran": re.search(r"(\d+) run", output).group(1)}


def notebook_builds(work: Path, repeats: int = 3) -> dict:
    """After the cold build: the build with the notebook stage on (every notebook runs: the first
    time), then warm (median of ``repeats``: no notebook may run)."""
    environment = _environment(work / "cache", notebooks=True)
    command = [sys.executable, "-m", "scripts.build", "build", "--site-dir", str(work / "site")]
    first, output = _timed(command, environment)
    warm = [_timed(command, environment) for _ in range(repeats)]
    return {"first": first, "runs": _notebook_runs(output), "warm": statistics.median(t for t, _ in warm),
            "warm_runs": max(_notebook_runs(out) for _, out in warm)}


def _notebook_runs(output: str) -> int:
    """How many notebooks a build executed (each card's languages share one run)."""
    found = re.search(r"(\d+) notebook run", output)
    return int(found.group(1)) if found else 0


def naive(project: Project, work: Path) -> float:
    """Every snippet the pages use, as its own ``python`` process, one after another."""
    environment = {**os.environ, **{k: v for k, v in CHILD_ENVIRONMENT.items() if v}}
    pages, _ = collect(project)
    (work / "naive").mkdir()
    total = 0.0
    for snippet in snippets_used(pages, project):
        total += _timed([sys.executable, str(snippet)], environment, cwd=work / "naive")[0]
    return total


def one_import(project: Project) -> float:
    """One interpreter importing what the pool preloads for these snippets."""
    pages, _ = collect(project)
    modules = set(BASE_PRELOAD)
    for snippet in snippets_used(pages, project):
        modules |= source.third_party_imports(snippet, (project.snippets_dir,))
    code = (f"import importlib\nfor m in {sorted(modules)!r}:\n"
            "    try: importlib.import_module(m)\n    except Exception: pass")
    environment = {**os.environ, **{k: v for k, v in CHILD_ENVIRONMENT.items() if v}}
    return _timed([sys.executable, "-c", code], environment)[0]


def warm_and_bare(project: Project, work: Path, repeats: int = REPEATS) -> tuple[float, float, float]:
    """Medians of the warm build, and of ``mkdocs build`` without the hook of the injected pages and
    of the card sources, run in turn ``repeats`` times (interleaved, so that the machine's drift
    touches all three alike)."""
    os.environ["DLCARDS_CACHE_DIR"] = str(work / "cache")  # the cache the cold build filled
    project = Project.load(ROOT)
    prepared = prepare(project)
    context = prepared.context(project, data.load(project))
    rendered = work / "docs-injected"
    shutil.copytree(project.docs_dir, rendered)
    for page in prepared.pages:
        text, _ = inject.render(page, page.text, context)
        (rendered / page.path.relative_to(project.docs_dir)).write_text(text, encoding="utf-8")
    environment = _environment(work / "cache")
    commands = [[sys.executable, "-m", "scripts.build", "build", "--site-dir", str(work / "site")]]
    for docs in (rendered, project.docs_dir):
        config = work / f"bare-{docs.name}.yml"
        config.write_text(_bare_config(project, docs), encoding="utf-8")
        commands.append([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(work / "bare")])
    times = [[_timed(command, environment)[0] for command in commands] for _ in range(repeats)]
    warm, bare, bare_sources = (statistics.median(column) for column in zip(*times, strict=True))
    return warm, bare, bare_sources


def _bare_config(project: Project, docs: Path) -> str:
    text = (project.root / "mkdocs.yml").read_text(encoding="utf-8")
    text = re.sub(r"\nhooks:\n(  - .*\n)+", "\n", text)
    text = re.sub(r"(?m)^docs_dir: .*$", f"docs_dir: {docs}", text)
    text = re.sub(r"(?m)^(\s*custom_dir:) (\S+)", lambda m: f"{m[1]} {project.root / m[2]}", text)
    return re.sub(r"(?ms)^watch:\n(  - .*?\n)+", "", text)


def serve_edits(project: Project, work: Path, durations: dict) -> dict:
    """Seconds from saving a card, and a snippet, to the served page showing the change."""
    copy = work / "project"
    for name in ("docs", "snippets", "data", "overrides", "mkdocs.yml"):
        (shutil.copytree if (ROOT / name).is_dir() else shutil.copy)(ROOT / name, copy / name)
    (copy / "scripts").symlink_to(ROOT / "scripts")
    snippet, card = _snippet_with_output(Project.load(copy))
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "scripts.build", "serve", "--root", str(copy),
                               "--dev-addr", f"127.0.0.1:{port}"], cwd=ROOT, env=_environment(work / "cache"),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/" + card.relative_to(copy / "docs").as_posix().split(".")[0] + "/"
        _poll(url, "</html>", timeout=120)
        time.sleep(1.0)  # let the watcher settle
        card_seconds = _edit_and_wait(card, "\n\nbenchcardedit\n", url, "benchcardedit")
        snippet_seconds = _edit_and_wait(snippet, '\nprint("benchsnippetedit")\n', url, "benchsnippetedit")
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)
    name = snippet.relative_to(copy / "snippets").as_posix()
    return {"card": card_seconds, "snippet": snippet_seconds, "name": name, "compute": durations.get(name, 0.0)}


def _snippet_with_output(project: Project) -> tuple[Path, Path]:
    pages, _ = collect(project)
    for page in pages:
        for ref in page.references:
            if ref.kind == "output":
                return project.snippets_dir / ref.snippet, page.path
    raise SystemExit("no card shows a snippet's output")


def _edit_and_wait(path: Path, addition: str, url: str, token: str) -> float:
    with path.open("a", encoding="utf-8") as file:
        file.write(addition)
    start = time.perf_counter()
    _poll(url, token, timeout=120)
    return time.perf_counter() - start


def _poll(url: str, token: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if token in response.read().decode("utf-8", "replace"):
                    return
        except OSError:
            pass
        time.sleep(0.05)
    raise SystemExit(f"{url} did not show {token!r} within {timeout} s")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main() -> None:
    project = Project.load(ROOT)
    with tempfile.TemporaryDirectory(prefix="dlcards-bench-") as folder:
        work = Path(folder)
        measured = builds(work)
        naive_seconds = naive(project, work)
        import_seconds = one_import(project)
        measured["warm"], bare, bare_sources = warm_and_bare(project, work)
        measured["notebooks"] = notebook_builds(work)
        edits = serve_edits(project, work, measured["durations"])
    compute = sum(measured["durations"].values())
    timed = sum(seconds for name, seconds in measured["durations"].items() if name in measured["timed"])
    cores = project.workers
    limit = import_seconds + compute / cores + bare
    limit_alone = import_seconds + (compute - timed) / cores + timed + bare  # timed snippets run alone
    report(measured, naive_seconds, import_seconds, compute, cores, limit, bare, bare_sources, edits,
           (timed, limit_alone))


def report(measured, naive_seconds, import_seconds, compute, cores, limit, bare, bare_sources, edits,
           alone) -> None:
    cold, warm = measured["cold"], measured["warm"]
    edit_limit = edits["compute"] + edits["card"] + 1
    rows = [
        ("cold build (snippets; notebook stage off)", cold, f"{measured['ran']} snippets run", ""),
        ("naive: one `python snippet.py` each, in turn", naive_seconds,
         f"naive / cold = {naive_seconds / cold:.2f}×", _verdict(naive_seconds / cold >= TARGETS["naive"],
                                                                f"≥ {TARGETS['naive']}×")),
        (f"limit: import {import_seconds:.2f} + compute {compute:.2f} / {cores} + bare {bare:.2f}", limit,
         f"cold / limit = {cold / limit:.2f}×", _verdict(cold / limit <= TARGETS["limit"], f"≤ {TARGETS['limit']}×")),
        (f"limit if timed snippets ({alone[0]:.2f} s) run alone, as they do", alone[1],
         f"cold / this = {cold / alone[1]:.2f}×",
         _verdict(cold / alone[1] <= TARGETS["limit"], f"≤ {TARGETS['limit']}×")),
        (f"warm build (median of {REPEATS})", warm, f"warm / bare = {warm / bare:.2f}×",
         _verdict(warm / bare <= TARGETS["bare"], f"≤ {TARGETS['bare']}×")),
        (f"bare mkdocs build of the injected pages, no hook (median of {REPEATS})", bare, "", ""),
        (f"bare mkdocs build of the card sources as written (median of {REPEATS})", bare_sources,
         f"warm / this = {warm / bare_sources:.2f}×", "for reference"),
        ("serve: saved card -> page shows it", edits["card"], "the MkDocs rebuild", ""),
        (f"serve: saved {edits['name']} -> page shows it", edits["snippet"],
         f"≤ {edits['compute']:.2f} + {edits['card']:.2f} + 1", _verdict(edits["snippet"] <= edit_limit,
                                                                          f"≤ {edit_limit:.2f} s")),
    ]
    notebooks = measured["notebooks"]
    rows += [
        ("build with the notebook stage on, its first time (snippets cached)", notebooks["first"],
         f"+{notebooks['first'] - warm:.2f} s over warm", f"{notebooks['runs']} notebook runs"),
        ("warm build with the notebook stage on (median of 3)", notebooks["warm"],
         f"+{notebooks['warm'] - warm:.2f} s over warm", f"{notebooks['warm_runs']} notebook runs"),
    ]
    width = max(len(row[0]) for row in rows)
    print(f"machine: {machine_name()}")
    print(f"| {'what':<{width}} | seconds | {'ratio':<26} | target |")
    print(f"| {'-' * width} | ------: | {'-' * 26} | ------ |")
    for what, seconds, ratio, target in rows:
        print(f"| {what:<{width}} | {seconds:>7.2f} | {ratio:<26} | {target} |")


def _verdict(met: bool, target: str) -> str:
    return f"{target} {'met' if met else 'MISSED'}"


if __name__ == "__main__":
    main()
