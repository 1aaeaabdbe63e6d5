"""The whole pipeline on a tiny two-language site built in tmp_path."""

from __future__ import annotations

import re
from dataclasses import replace
from html import unescape

from conftest import write

from scripts import build, pipeline
from scripts.config import Project


def html(site, lang_prefix: str = "") -> str:
    return (site / lang_prefix / "topic" / "card" / "index.html").read_text(encoding="utf-8")


def text_of(page: str) -> str:
    """The page's text without tags (code is split into highlighting spans)."""
    return unescape(re.sub(r"<[^>]+>", "", page))


def test_build_injects_results_in_both_languages(tiny_site, capsys):
    assert build.main(["build", "--root", str(tiny_site)]) == 0
    vi, zh = html(tiny_site / "site"), html(tiny_site / "site", "zh")
    for page in (vi, zh):
        assert "squares: [1, 4, 9, 16]" in page  # output
        assert "values = [helper.square(i) for i in range(1, 5)]" in text_of(page)  # the cell
        assert "0.667" in page  # inline value with its format spec
        assert re.search(r"<td[^>]*>16.0</td>", page)  # table cell with the column format
        assert "{{" not in page
    assert "Tổng là 30" in vi and "Bình phương" in vi and "Kết quả in ra" in vi
    assert "总和是 30" in zh and "平方" in zh and "运行输出" in zh
    assert "Bình phương" not in zh and "平方" not in vi
    assert "Chủ đề thử" in vi and "测试主题" in zh  # topic names in the navigation, from data/topics.yml
    assert '<abbr title="chuẩn hóa theo batch' not in vi  # the card never writes BN: no hover definition


def test_one_run_serves_both_languages_and_cache_hit_runs_nothing(tiny_site):
    project = Project.load(tiny_site)
    first = pipeline.prepare(project)
    assert first.executed == ["topic/demo.py"]
    second = pipeline.prepare(project)
    assert second.executed == [] and second.cached == ["topic/demo.py"]
    assert second.results["topic/demo.py"].values == {"total": 30, "ratio": 2 / 3}


def test_edited_snippet_or_local_import_reruns_alone(tiny_site):
    project = Project.load(tiny_site)
    write(tiny_site, "snippets/topic/other.py", "VALUES = {'x': 1}\n")
    write(tiny_site, "docs/other.vi.md", "{{ value: topic/other.py#x }}\n")
    assert sorted(pipeline.prepare(project).executed) == ["topic/demo.py", "topic/other.py"]

    demo = tiny_site / "snippets/topic/demo.py"
    demo.write_text(demo.read_text() + "\n# an edit\n")
    assert pipeline.prepare(project).executed == ["topic/demo.py"]

    write(tiny_site, "snippets/topic/helper.py", "def square(x):\n    return x ** 2\n")
    assert pipeline.prepare(project).executed == ["topic/demo.py"]
    assert pipeline.prepare(project).executed == []


def test_failing_snippet_stops_the_build_with_its_file_and_line(tiny_site, capsys):
    write(tiny_site, "snippets/topic/demo.py", "# %% compute\nx = 1\ny = 2\nprint(x / (y - 2))\n")
    assert build.main(["build", "--root", str(tiny_site)]) == 1
    err = capsys.readouterr().err
    assert re.search(r"snippets/topic/demo\.py:4: ZeroDivisionError: division by zero", err)
    assert re.search(r"card\.vi\.md:\d+: uses snippets/topic/demo\.py, which failed", err)
    assert not (tiny_site / "site").exists()  # nothing half-built


def test_error_inside_local_import_points_at_that_file(tiny_site, capsys):
    write(tiny_site, "snippets/topic/helper.py", "def square(x):\n    return x * undefined_name\n")
    assert build.main(["check", "--root", str(tiny_site)]) == 1
    assert "snippets/topic/helper.py:2: NameError" in capsys.readouterr().err


def test_unknown_references_fail_with_the_card_path_and_line(tiny_site, capsys):
    card = tiny_site / "docs/topic/card.vi.md"
    lines = card.read_text().splitlines()
    lines += ["", "{{ value: topic/demo.py#totl }}", "{{ value: topic/dmeo.py#total }}",
              "{{ vaule: topic/demo.py#total }}", "{{ table: topic/demo.py#squares | only one }}"]
    card.write_text("\n".join(lines) + "\n")
    n = len(lines)
    assert build.main(["build", "--root", str(tiny_site)]) == 1
    err = capsys.readouterr().err
    assert (f"card.vi.md:{n - 3}: no value 'totl' in snippets/topic/demo.py "
            "(did you mean 'total'?; values: total, ratio)") in err
    assert f"card.vi.md:{n - 2}: snippet not found: snippets/topic/dmeo.py (did you mean 'topic/demo.py'?)" in err
    assert (f"card.vi.md:{n - 1}: unknown directive '{{{{ vaule: topic/demo.py#total }}}}' "
            "(did you mean 'value'?)") in err
    assert f"card.vi.md:{n}: table 'squares' has 2 columns" in err
    assert "card.zh.md" in err and "references differ from the vi card" in err  # parity drift
    assert "5 problem(s)" in err


def test_timeout_is_reported_not_hung(tiny_site):
    write(tiny_site, "snippets/topic/demo.py", "# %% compute\nimport time\ntime.sleep(30)\n")
    project = Project.load(tiny_site)
    project = replace(project, limits=replace(project.limits, timeout=1.0))
    prepared = pipeline.prepare(project)
    (problem,) = prepared.problems
    assert "Timeout" in problem.message and "did not finish in 1 s" in problem.message


def test_bare_mkdocs_build_also_fails_on_a_bad_reference(tiny_site):
    """The hook stops a plain `mkdocs build` too, so no page is silently half-injected."""
    import subprocess
    import sys

    card = tiny_site / "docs/topic/card.zh.md"
    card.write_text(card.read_text() + "\n{{ value: topic/demo.py#missing }}\n")
    line = len(card.read_text().splitlines())
    run = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=tiny_site,
                         capture_output=True, text=True)
    assert run.returncode != 0
    assert f"card.zh.md:{line}: no value 'missing'" in run.stdout + run.stderr


def test_broken_data_file_stops_bare_mkdocs_with_file_and_line(tiny_site):
    import subprocess
    import sys

    write(tiny_site, "data/tags.yml", "fundamentals:\n  vi: Nền tảng\n")
    run = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=tiny_site,
                         capture_output=True, text=True)
    assert run.returncode != 0
    assert "data/tags.yml:1: tag 'fundamentals' has no 'zh' label" in run.stdout + run.stderr
