"""The build as an author lives with it: interrupted, run twice at once, fed a broken cache, served.

These run ``python -m scripts.build`` as a separate process where a signal or a second build
is part of the story, and in this process otherwise.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import REPO, card_html, set_card_body, write

from scripts import build, pipeline, store
from scripts.config import Project


def start_build(root: Path, *arguments: str, cache: Path | None = None) -> subprocess.Popen:
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    if cache:
        environment["DLCARDS_CACHE_DIR"] = str(cache)
    return subprocess.Popen([sys.executable, "-m", "scripts.build", *arguments, "--root", str(root)], cwd=REPO,
                            env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for(condition, what: str, patience: float = 60.0) -> None:
    deadline = time.monotonic() + patience
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)


SLOW = "import os, time\nif os.path.exists({marker!r}):\n    time.sleep(600)\nVALUES = {{'slow': 1}}\n"


def test_ctrl_c_while_snippets_run_keeps_what_finished(tiny_site, tmp_path):
    marker = tmp_path / "be-slow"
    marker.touch()
    write(tiny_site, "snippets/topic/slow.py", SLOW.format(marker=str(marker)))
    write(tiny_site, "docs/slow.vi.md", "# Chậm\n\n{{ value: topic/slow.py#slow }}\n")
    project = Project.load(tiny_site)
    process = start_build(tiny_site, "prepare")
    wait_for(lambda: len(list(project.cache_dir.glob("*.json"))) == 1, "the fast snippet's result")
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130 and "finished snippet results are kept" in err
    marker.unlink()
    assert pipeline.prepare(project).executed == ["topic/slow.py"]  # demo.py came from the cache


BOOM_HOOK = """
def on_post_page(output, page, config):
    if page.file.src_uri.startswith("topic/"):
        raise {error}
    return output
"""


@pytest.mark.parametrize("error", ["KeyboardInterrupt()", "RuntimeError('disk full')"])
def test_an_interrupted_or_failed_mkdocs_stage_leaves_the_previous_site_whole(tiny_site, error):
    assert build.main(["build", "--root", str(tiny_site)]) == 0
    before = {p: p.read_bytes() for p in (tiny_site / "site").rglob("*") if p.is_file()}
    set_card_body(tiny_site, "\nMột nội dung mới: {{ value: topic/demo.py#total }}.\n")
    write(tiny_site, "boom.py", BOOM_HOOK.format(error=error))
    config = tiny_site / "mkdocs.yml"
    config.write_text(config.read_text().replace("hooks:\n", f"hooks:\n  - {tiny_site / 'boom.py'}\n"))
    code = build.main(["build", "--root", str(tiny_site)]) if "Runtime" in error else _interrupted(tiny_site)
    assert code != 0
    after = {p: p.read_bytes() for p in (tiny_site / "site").rglob("*") if p.is_file()}
    assert after == before  # nothing half-written: the old site, complete
    assert not [p for p in tiny_site.iterdir() if p.name.startswith(".site-")]  # no staging left behind


def _interrupted(root: Path) -> int:
    process = start_build(root, "build")
    process.communicate(timeout=120)
    return process.returncode


CORRUPTIONS = {
    "truncated": lambda text: text[: len(text) // 2],
    "wrong types": lambda text: json.dumps({**json.loads(text), "result": {**json.loads(text)["result"],
                                                                           "values": [1, 2]}}),
    "foreign version": lambda text: json.dumps(json.loads(text)["result"]),
    "not an object": lambda text: "[1, 2, 3]",
    "invalid utf-8": lambda text: b"\xff\xfe".decode("latin-1"),
}


@pytest.mark.parametrize("corruption", CORRUPTIONS)
def test_a_corrupt_cache_entry_is_ignored_with_a_warning_and_run_again(tiny_site, capsys, corruption):
    project = Project.load(tiny_site)
    pipeline.prepare(project)
    (entry,) = project.cache_dir.glob("*.json")
    entry.write_text(CORRUPTIONS[corruption](entry.read_text(encoding="utf-8")), encoding="latin-1")
    capsys.readouterr()
    assert build.main(["build", "--root", str(tiny_site)]) == 0
    captured = capsys.readouterr()
    assert f"ignoring {'unreadable' if corruption == 'invalid utf-8' else 'corrupt'} cache entry {entry.name}" \
        in captured.err
    assert "1 snippet(s): 1 run, 0 from cache" in captured.out
    assert store.load(entry.stem, project) is not None  # replaced by a good entry


def test_a_second_build_waits_for_the_first_and_says_so(tiny_site):
    project = Project.load(tiny_site)
    with store.CacheLock(project):
        second = start_build(tiny_site, "prepare")
        wait_for(lambda: (project.cache_dir / ".lock").read_text().startswith("pid"), "the lock")
        time.sleep(1.0)
        assert second.poll() is None  # still waiting
    out, err = second.communicate(timeout=60)
    assert second.returncode == 0, err
    assert f"another build (pid {os.getpid()}) is running snippets with {project.cache_dir}; waiting" in err
    assert "1 run, 0 from cache" in out


def test_two_builds_at_once_both_succeed_and_the_cache_stays_sound(tiny_site):
    builds = [start_build(tiny_site, "build") for _ in range(2)]
    for process in builds:
        _, err = process.communicate(timeout=180)
        assert process.returncode == 0, err
    project = Project.load(tiny_site)
    assert [store.load(p.stem, project) is not None for p in project.cache_dir.glob("*.json")] == [True]
    assert "Tổng là 30" in card_html(tiny_site, "vi")


def test_files_a_snippet_reads_are_part_of_its_key(tiny_site):
    write(tiny_site, "snippets/topic/table.csv", "1,2,3\n")
    write(tiny_site, "snippets/topic/plugin_a.py", "FACTOR = 10\n")
    write(tiny_site, "snippets/topic/demo.py", """
        import importlib
        from pathlib import Path

        numbers = [int(x) for x in Path(__file__).with_name("table.csv").read_text().split(",")]
        plugin = importlib.import_module("plugin_" + "a")  # invisible to a reader of import statements
        VALUES = {"total": sum(numbers) * plugin.FACTOR, "ratio": 0.5}
        TABLES = {"squares": {"columns": ["i", "square"], "rows": [[1, 1]]}}
        print("read")
        """)
    project = Project.load(tiny_site)
    assert pipeline.prepare(project).results["topic/demo.py"].values["total"] == 60
    assert pipeline.prepare(project).executed == []
    write(tiny_site, "snippets/topic/table.csv", "1,2,4\n")
    assert pipeline.prepare(project).results["topic/demo.py"].values["total"] == 70
    write(tiny_site, "snippets/topic/plugin_a.py", "FACTOR = 100\n")
    assert pipeline.prepare(project).results["topic/demo.py"].values["total"] == 700
    assert pipeline.prepare(project).executed == []


def test_stale_cache_entries_are_pruned(tiny_site):
    project = Project.load(tiny_site)
    pipeline.prepare(project)
    month_ago = time.time() - 30 * 86400
    old, recent = project.cache_dir / ("0" * 24 + ".json"), project.cache_dir / ("1" * 24 + ".json")
    for path in (old, recent):
        path.write_text("{}")
    os.utime(old, (month_ago, month_ago))
    (used,) = [p for p in project.cache_dir.glob("*.json") if p not in (old, recent)]
    os.utime(used, (month_ago, month_ago))
    pipeline.prepare(project)
    assert not old.exists() and recent.exists() and used.exists()  # used ones stay, whatever their age


def test_verify_lists_snippets_whose_results_differ_between_runs(tiny_site, capsys):
    write(tiny_site, "snippets/topic/clock.py", "import time\nprint('now', time.time_ns())\n"
                    "VALUES = {'n': 1, 'stamp': time.time_ns()}\nTIMINGS = ['stamp']\n")
    write(tiny_site, "snippets/topic/steady.py", "import time\nVALUES = {'n': 1, 'stamp': time.time_ns()}\n"
                    "TIMINGS = ['stamp']\n")
    write(tiny_site, "docs/extra.vi.md", "# Thêm\n\n{{ output: topic/clock.py }}\n\n{{ value: topic/steady.py#n }}\n")
    assert build.main(["prepare", "--root", str(tiny_site)]) == 0
    capsys.readouterr()
    assert build.main(["verify", "--root", str(tiny_site)]) == 1
    err = capsys.readouterr().err
    assert "snippets/topic/clock.py: differs between runs: printed output, line 1" in err
    assert "steady.py" not in err and "demo.py" not in err and "1 snippet(s) not reproducible" in err


def test_serve_keeps_serving_a_failing_snippet_and_recovers_when_it_is_fixed(tiny_site, tmp_path):
    demo = tiny_site / "snippets/topic/demo.py"
    good = demo.read_text()
    bad = good.replace("print(", "print('before the error')\nraise ValueError('bad <b>input</b>')\nprint(", 1)
    demo.write_text(bad)
    line = bad.splitlines().index("raise ValueError('bad <b>input</b>')") + 1
    write(tiny_site, "docs/other.vi.md", "# Trang khác\n\nVẫn ổn.\n")
    with serving(tiny_site, tmp_path / "serve.log") as port:
        vi, zh = (f"http://127.0.0.1:{port}/{prefix}topic/card/" for prefix in ("", "zh/"))
        wait_for(lambda: "Đoạn mã chạy lỗi" in _get(vi), "the error box", patience=120)
        page = _get(vi)
        assert f"demo.py:{line}: ValueError: bad &lt;b&gt;input&lt;/b&gt;" in page and "<b>input</b>" not in page
        assert "代码片段运行出错" in _get(zh)
        assert "Vẫn ổn." in _get(f"http://127.0.0.1:{port}/other/")  # other pages are unaffected
        demo.write_text(good)
        wait_for(lambda: "squares: [1, 4, 9, 16]" in _get(vi), "the fixed page", patience=120)
        assert "Đoạn mã chạy lỗi" not in _get(vi)
    log = (tmp_path / "serve.log").read_text()
    assert "card.vi.md" in log and "which failed" in log and "the server keeps serving" in log


@contextlib.contextmanager
def serving(root: Path, log: Path):
    """``make serve`` of ``root`` on a free port (yielded), its log in ``log``; stopped with Ctrl-C."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "scripts.build", "serve", "--root", str(root),
                               "--dev-addr", f"127.0.0.1:{port}"], cwd=REPO, stdout=subprocess.DEVNULL,
                              stderr=log.open("w"), env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    try:
        yield port
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=60)


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def test_serve_remembers_a_failure_until_a_snippet_changes(tiny_site):
    """Under ``make serve`` editing a card must not wait again for a snippet that hangs."""
    write(tiny_site, "snippets/topic/demo.py", "# build: timeout=1\nimport time\ntime.sleep(600)\n")
    project = Project.load(tiny_site)
    first = pipeline.prepare(project, remember_failures=True)
    assert first.executed == ["topic/demo.py"] and "Timeout" in first.problems[0].message
    again = pipeline.prepare(project, remember_failures=True)
    assert again.executed == [] and "Timeout" in again.problems[0].message  # remembered, reported again
    write(tiny_site, "snippets/topic/data.txt", "a file the snippet may read\n")
    assert pipeline.prepare(project, remember_failures=True).executed == ["topic/demo.py"]
