"""Command line: ``python -m scripts.build {prepare,check,verify,build,serve} [--root DIR]``.

- prepare: run the snippets the cache lacks, report what ran;
- check:   prepare, then validate every page; all problems at once, as ``path:line: ...``;
- verify:  run every snippet again without the cache; list those whose results differ;
- build:   check, then MkDocs (in this process) into a fresh folder that replaces ``site/`` only
           when it is complete: Ctrl-C or a failure leaves the previous site as it was;
- serve:   prepare, then ``mkdocs serve`` in this process, with the snippet pool kept warm:
           a problem shows on its page and the server keeps serving.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import logging
import os
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")  # Material's notice about MkDocs 2, on import

from scripts import checks, data, engine, pipeline  # noqa: E402
from scripts.config import Project  # noqa: E402
from scripts.log import show_on_stderr  # noqa: E402
from scripts.problems import BuildFailed  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        project = Project.load(args.root)
        return COMMANDS[args.command](project, args)
    except BuildFailed as failure:
        print(failure, file=sys.stderr)
        print(f"build stopped: {len(failure.problems)} problem(s)", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted: finished snippet results are kept in the cache; site/ is unchanged",
              file=sys.stderr)
        return 130


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


def _verify(project: Project, args) -> int:
    differences = pipeline.verify(project)
    for snippet, difference in differences:
        print(f"snippets/{snippet}: differs between runs: {difference}", file=sys.stderr)
    if differences:
        print(f"{len(differences)} snippet(s) not reproducible (timings excepted)", file=sys.stderr)
        return 1
    print("every snippet gave the same results without the cache (timings excepted)")
    return 0


def _build(project: Project, args) -> int:
    start = time.perf_counter()
    prepared = pipeline.build_results(project, while_running=lambda: _load_mkdocs(project))
    print(prepared.summary())
    site_dir = (args.site_dir or project.root / "site").resolve()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}-", dir=site_dir.parent))
    try:
        pipeline.hand_over(prepared, project)
        code = mkdocs_build(project, staging)
        if code == 0:
            replace_folder(staging, site_dir)
    finally:
        pipeline.take_handed_over(project)
        shutil.rmtree(staging, ignore_errors=True)
    print(f"make build: {time.perf_counter() - start:.1f} s in all")
    return code


def mkdocs_build(project: Project, site_dir: Path) -> int:
    """``mkdocs build --strict`` in this process (the results are already in memory)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    _show_mkdocs_log()
    try:
        config = load_config(config_file=str(project.root / "mkdocs.yml"), site_dir=str(site_dir), strict=True)
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        finally:
            config.plugins.on_shutdown()
    except MkDocsException as failure:
        print(f"mkdocs build failed: {failure}", file=sys.stderr)
        return 1
    except Exception:  # a plugin's or theme's own error: its traceback, and the old site stays
        traceback.print_exc()
        print("mkdocs build failed (see the traceback above); site/ is unchanged", file=sys.stderr)
        return 1
    return 0


def _load_mkdocs(project: Project) -> None:
    """Import MkDocs, its theme, plugins and extensions, and load jieba's dictionary, while the
    snippets' process imports its libraries: the build then starts MkDocs warm."""
    from mkdocs.config import load_config

    try:
        load_config(config_file=str(project.root / "mkdocs.yml"))
        import jieba

        jieba.initialize()
    except Exception:  # noqa: BLE001 - the real build reports any problem, with its context
        pass


def replace_folder(new: Path, target: Path) -> None:
    """Put ``new`` in place of ``target`` in one step when the system allows (Linux renameat2)."""
    if target.exists() and _exchange(new, target):
        return  # ``new`` now holds the old site, removed by the caller
    if target.exists():
        old = target.with_name(f".{target.name}-old-{os.getpid()}")
        target.rename(old)
        new.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        new.rename(target)


def _exchange(a: Path, b: Path) -> bool:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        at_fdcwd, rename_exchange = -100, 2
        return libc.renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0
    except (OSError, AttributeError):
        return False


def _serve(project: Project, args) -> int:
    from mkdocs.commands.serve import serve

    engine.warm_up()
    print(pipeline.prepare(project, remember_failures=True).summary())  # the hook reports problems
    _show_mkdocs_log()
    try:
        serve(config_file=str(project.root / "mkdocs.yml"), livereload=True, dev_addr=args.dev_addr, strict=False)
    finally:
        engine.shutdown()
    return 0


def _show_mkdocs_log() -> None:
    show_on_stderr(logging.getLogger("mkdocs"))


COMMANDS = {"prepare": _prepare, "check": _check, "verify": _verify, "build": _build, "serve": _serve}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m scripts.build", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=COMMANDS)
    parser.add_argument("--root", type=Path, default=Path("."), help="project folder (mkdocs.yml)")
    parser.add_argument("--site-dir", type=Path, help="where build writes the site (default: site/)")
    parser.add_argument("--dev-addr", default="127.0.0.1:8000", help="address for serve")
    return parser


def run_and_exit() -> None:
    """``main``, then exit without freeing memory object by object (it only costs time)."""
    if "serve" not in sys.argv[1:]:
        gc.disable()  # a one-off command allocates a lot and frees nothing until it ends
    code = main()
    logging.shutdown()
    engine.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    run_and_exit()
