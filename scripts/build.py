"""Command line: ``python -m scripts.build {prepare,check,build,serve} [--root DIR]``.

- prepare: run the snippets the cache lacks, report what ran;
- check:   prepare, then validate every page; all problems at once, as ``path:line: ...``;
- build:   check, then ``mkdocs build --strict`` into ``site/``;
- serve:   prepare, then ``mkdocs serve`` (snippets and pages are watched).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

from scripts import checks, data, pipeline
from scripts.config import Project
from scripts.problems import BuildFailed


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        project = Project.load(args.root)
        return COMMANDS[args.command](project, args)
    except BuildFailed as failure:
        print(failure, file=sys.stderr)
        print(f"build stopped: {len(failure.problems)} problem(s)", file=sys.stderr)
        return 1


def _prepare(project: Project, args) -> int:
    prepared = pipeline.prepare(project)
    print(prepared.summary())
    if prepared.problems:
        raise BuildFailed(prepared.problems)
    return 0


def _check(project: Project, args) -> int:
    prepared = pipeline.prepare(project)
    print(prepared.summary())
    print("vi/zh parity:")
    for line in checks.parity_report(prepared.pages, project, data.load(project)):
        print(f"  {line}")
    problems = pipeline.validate(prepared, project)
    if problems:
        raise BuildFailed(problems)
    print(f"{len(prepared.pages)} page(s) checked: every check passed, every reference resolved")
    return 0


def _build(project: Project, args) -> int:
    start = time.perf_counter()
    prepared = pipeline.build_results(project)
    print(prepared.summary())
    site_dir = args.site_dir or project.root / "site"
    code = _mkdocs(project, ["build", "--strict", "--site-dir", str(site_dir)])
    print(f"make build: {time.perf_counter() - start:.1f} s in all")
    return code


def _serve(project: Project, args) -> int:
    prepared = pipeline.prepare(project)
    print(prepared.summary())
    for problem in prepared.problems:
        print(problem, file=sys.stderr)
    return _mkdocs(project, ["serve", "--dev-addr", args.dev_addr])


def _mkdocs(project: Project, arguments: list[str]) -> int:
    command = [sys.executable, "-m", "mkdocs", *arguments, "--config-file", str(project.root / "mkdocs.yml")]
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(command, cwd=project.root, env=environment).returncode


COMMANDS = {"prepare": _prepare, "check": _check, "build": _build, "serve": _serve}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m scripts.build", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=COMMANDS)
    parser.add_argument("--root", type=Path, default=Path("."), help="project folder (mkdocs.yml)")
    parser.add_argument("--site-dir", type=Path, help="where build writes the site (default: site/)")
    parser.add_argument("--dev-addr", default="127.0.0.1:8000", help="address for serve")
    return parser


if __name__ == "__main__":
    sys.exit(main())
