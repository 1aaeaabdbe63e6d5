"""The engine's fault table: what an author gets when a snippet crashes, hangs or overflows.

Every snippet here runs in a child of the warm pool, exactly as in a build.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import write

from scripts import engine, pipeline, store
from scripts.config import Project
from scripts.engine.limits import Limits
from scripts.problems import BuildFailed


def run(project: Project, relative: str, text: str, key: str = "k"):
    snippet = write(project.root, f"snippets/{relative}", text)
    (result,) = engine.run([(snippet, key)], project)
    return result


@pytest.fixture
def project(tiny_site) -> Project:
    return Project.load(tiny_site)


CRASHES = {
    "segfault": ("import ctypes\nctypes.string_at(0)\n", r"killed by SIGSEGV \(Segmentation fault\)"),
    "abort": ("import os\nos.abort()\n", r"killed by SIGABRT \(Aborted\)"),
    "os._exit": ("import os\nos._exit(3)\n", r"ended by os\._exit\(3\)"),
    "signal": ("import os, signal\nos.kill(os.getpid(), signal.SIGTERM)\n", r"killed by SIGTERM \(Terminated\)"),
}


@pytest.mark.parametrize("kind", CRASHES)
def test_a_crash_names_the_signal_or_code_the_line_and_keeps_what_was_printed(project, kind):
    code, expected = CRASHES[kind]
    result = run(project, "topic/crash.py", f"print('step 1 done')\n\n{code}")
    assert not result.ok and result.error.type == "Crash"
    assert re.search(expected, result.error.message), result.error.message
    assert (Path(result.error.file).name, result.error.line) == ("crash.py", 4)  # the line that crashed
    assert result.stdout == "step 1 done\n" and "step 1 done" in result.error.context


def test_a_hang_times_out_and_says_where_it_was_stuck(project):
    result = run(project, "topic/hang.py", "# build: timeout=1\nimport time\nprint('waiting')\n\n"
                 "def wait():\n    time.sleep(600)\n\nwait()\n")
    assert result.error.type == "Timeout"
    assert result.error.message.startswith("did not finish in 1 s; it was at line 6 of hang.py")
    assert result.error.line == 6 and "waiting" in result.error.context


def test_the_timeout_kills_the_whole_process_group(project, tmp_path):
    pid_file = tmp_path / "pid"
    result = run(project, "topic/group.py", "# build: timeout=1\nimport subprocess, time\n"
                 f"child = subprocess.Popen(['sleep', '600'])\nopen({str(pid_file)!r}, 'w').write(str(child.pid))\n"
                 "time.sleep(600)\n")
    assert result.error.type == "Timeout"
    assert _gone(int(pid_file.read_text()))


def test_a_background_child_holding_the_output_open_is_no_timeout_and_no_orphan(project):
    result = run(project, "topic/background.py", "import subprocess, sys\n"
                 "child = subprocess.Popen(['sleep', '600'], stdout=sys.stdout, stderr=sys.stderr)\n"
                 "print('started', flush=True)\nVALUES = {'pid': child.pid}\n")
    assert result.ok and result.stdout == "started\n"
    assert _gone(result.values["pid"])


def _gone(pid: int, patience: float = 10.0) -> bool:
    """Whether the process is dead (gone or a zombie) now or within ``patience`` seconds:
    SIGKILL is delivered asynchronously."""
    import time

    deadline = time.monotonic() + patience
    while time.monotonic() < deadline:
        try:
            if Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] == "Z":
                return True
        except (FileNotFoundError, IndexError):
            return True
        time.sleep(0.02)
    return False


def test_input_gets_end_of_file_at_once(project):
    result = run(project, "topic/ask.py", "name = input('name? ')\n")
    assert result.error.type == "EOFError" and result.error.line == 1
    assert "a snippet has no standard input" in result.error.message


def test_a_memory_bomb_fails_with_a_clear_error(project):
    result = run(project, "topic/bomb.py", "import torch\nbig = torch.empty(2**31)  # 8 GiB\nbig.fill_(1)\n")
    assert not result.ok and result.error.line == 2
    assert "can't allocate memory" in result.error.message


def test_the_memory_limit_is_a_setting(project):
    code = "import numpy as np\nblock = np.ones(300 * 2**20, dtype=np.uint8)\nVALUES = {'sum': int(block.sum())}\n"
    assert run(project, "topic/fits.py", code).ok
    result = run(project, "topic/tight.py", "# build: memory_mb=100\n" + code)
    assert result.error.type == "MemoryError" and result.error.line == 3


def test_flooding_the_output_is_an_error_not_a_huge_page(project):
    result = run(project, "topic/flood.py", "line = 'x' * 99\nfor _ in range(500_000):\n    print(line)\n")
    assert result.error.type == "OutputLimit" and "printed 47.7 MiB; the limit is 256 KiB" in result.error.message
    assert len(result.stdout) <= 256 * 1024


def test_a_file_past_the_size_fuse_stops_the_snippet(project):
    result = run(project, "topic/disk.py", "# build: file_mb=1\nwith open('big.bin', 'wb') as f:\n"
                 "    f.write(b'0' * 2**21)\n")
    assert result.error.type == "Crash" and "SIGXFSZ" in result.error.message
    assert "file size limit of 1 MiB" in result.error.message


def test_hundreds_of_figures_are_refused(project):
    result = run(project, "topic/figures.py", "import matplotlib.pyplot as plt\n"
                 "for i in range(300):\n    plt.figure()\n")
    assert result.error.type == "LimitExceeded" and "300 figures are open" in result.error.message


def test_a_failure_is_never_cached(tiny_site):
    write(tiny_site, "snippets/topic/demo.py", "print('x' * 1000)\n" * 300)
    project = Project.load(tiny_site)
    project = replace(project, limits=replace(project.limits, output_kb=100))
    prepared = pipeline.prepare(project)
    assert [p.message.split(":")[0] for p in prepared.problems] == ["OutputLimit"]
    key = prepared.results["topic/demo.py"].key
    assert store.load(key, project) is None and not (project.cache_dir / f"{key}.json").exists()
    assert pipeline.prepare(project).executed == ["topic/demo.py"]  # runs again


def test_undecodable_and_surrogate_text_is_kept_as_escapes(project):
    result = run(project, "topic/bytes.py", "import sys\nprint('lone \\udc80 surrogate')\n"
                 "sys.stdout.flush()\nsys.stdout.buffer.write(b'bad \\xff byte\\n')\n"
                 "print('bell \\x07 and escape \\x1b[2J')\nVALUES = {'text': 'v\\ud800 \\x1b[2J'}\n")
    assert result.ok
    assert result.stdout == "lone \\udc80 surrogate\nbad \\xff byte\nbell \\x07 and escape \\x1b[2J\n"
    assert result.values == {"text": "v\\ud800 \\x1b[2J"}


def test_a_figure_with_glyphs_its_font_lacks_is_an_error_naming_the_snippet(project):
    result = run(project, "topic/words.py", "import matplotlib.pyplot as plt\n"
                 "plt.figure(num='curve')\nplt.title('实验')\n")
    assert not result.ok and Path(result.error.file).name == "words.py"
    assert "figure 'curve'" in result.error.message and "missing from font" in result.error.message


def test_limits_come_from_the_environment_and_bad_settings_are_reported(project):
    assert Limits.from_environment({"DLCARDS_TIMEOUT": "5", "DLCARDS_MEMORY_MB": "512"}) == \
        Limits(timeout=5.0, memory_mb=512)
    with pytest.raises(BuildFailed, match="DLCARDS_FIGURES:0: build setting 'figures' must be a number"):
        Limits.from_environment({"DLCARDS_FIGURES": "many"})
    result = run(project, "topic/settings.py", "x = 1\n# build: timout=3\n")
    assert result.error.type == "BuildSetting" and result.error.line == 2
    assert "unknown build setting 'timout'; did you mean 'timeout'?" in result.error.message


def test_a_pool_restarts_when_the_zygote_died(project):
    from scripts.engine import pool

    pool.shared([]).process.kill()
    pool.shared([]).process.wait()
    assert run(project, "topic/after.py", "VALUES = {'ok': 1}\n").values == {"ok": 1}


def test_python_warnings_of_a_snippet_are_shown_not_buried(tiny_site, capsys):
    write(tiny_site, "snippets/topic/demo.py", "import numpy as np\n\nx = np.log(np.zeros(2))\n"
          "VALUES = {'total': 30, 'ratio': 0.5}\n")
    pipeline.prepare(Project.load(tiny_site))
    err = capsys.readouterr().err
    assert "snippets/topic/demo.py:3: RuntimeWarning: divide by zero encountered in log" in err


def test_a_snippet_that_kills_the_runner_fails_loudly_and_the_next_run_works(project, tmp_path):
    pid_file = tmp_path / "pid"
    result = run(project, "topic/parricide.py", f"import os, signal, time\nopen({str(pid_file)!r}, 'w')"
                 ".write(str(os.getpid()))\nos.kill(os.getppid(), signal.SIGKILL)\ntime.sleep(600)\n")
    assert result.error.type == "RunnerStopped" and "ended with code -9" in result.error.message
    assert _gone(int(pid_file.read_text()))  # the orphaned snippet was stopped too
    assert run(project, "topic/after.py", "VALUES = {'ok': 1}\n").values == {"ok": 1}


def test_a_page_never_grows_past_the_page_limit(tiny_site, monkeypatch, capsys):
    from conftest import set_card_body

    from scripts import build

    write(tiny_site, "snippets/topic/big.py", "# build: output_kb=4096\nfor i in range(40000):\n"
          "    print(f'line {i:05d} ' + 'x' * 20)\n")
    set_card_body(tiny_site, "\n{{ output: topic/big.py }}\n")
    monkeypatch.setenv("DLCARDS_PAGE_MB", "1")
    assert build.main(["build", "--root", str(tiny_site)]) == 1
    err = capsys.readouterr().err
    assert re.search(r"card\.vi\.md:1: the page is \d\.\d MiB with its results injected; the limit is 1 MiB", err)
