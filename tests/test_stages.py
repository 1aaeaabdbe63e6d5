"""Each pipeline stage on its own: collect, execute (engine), store, inject."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from conftest import write

from scripts import collect, engine, inject, source, store
from scripts.config import Project
from scripts.engine.machine import machine_name
from scripts.problems import BuildFailed

PAGE = Path("docs/t/card.vi.md")


def refs(text: str):
    found, problems = collect.find_references(text, PAGE)
    return list(found), list(problems)


def test_collect_parses_every_kind_with_its_line():
    found, problems = refs(
        "intro {{ value: t/a.py#x:.2f }} and {{ value: t/a.py#y }}\n"
        "{{ code: t/a.py#cell }}\n"
        "    {{ table: t/a.py#tab | Một | Hai {:.1e} }}\n"
        "{{ figure: t/a.py#fig | Chú thích }}\n"
        "{{ output: t/a.py }}\n"
    )
    assert problems == []
    assert [(r.kind, r.name, r.line) for r in found] == [
        ("value", "x", 1), ("value", "y", 1), ("code", "cell", 2), ("table", "tab", 3),
        ("figure", "fig", 4), ("output", "", 5)]
    assert found[0].fmt == ".2f" and found[3].indent == "    "
    assert found[3].columns == (collect.Column("Một"), collect.Column("Hai", ".1e"))
    assert found[4].caption == "Chú thích"


def test_collect_skips_fenced_code_and_reports_malformed_directives():
    found, problems = refs("```md\n{{ value: t/a.py#x }}\n```\ntext {{ output: t/a.py }}\n{{ nope }}\n")
    assert found == []
    assert [(p.line, p.message.split(":")[0]) for p in problems] == [
        (4, "'output' must stand alone on its line"), (5, "unknown directive '{{ nope }}'; expected one of")]


def test_collect_validates_card_front_matter(tmp_path):
    write(tmp_path, "mkdocs.yml", "plugins:\n  - i18n:\n      languages:\n        - locale: vi\n"
                                  "          default: true\n        - locale: zh\n")
    write(tmp_path, "docs/topic/c.zh.md", "---\ntitle: ''\ntags: nope\n---\n# C\n")
    project = Project.load(tmp_path)
    page, problems = collect.read_page(tmp_path / "docs/topic/c.zh.md", project)
    assert page.lang == "zh" and page.topic == "topic" and page.slug == "c"
    assert sorted((p.line, p.message) for p in problems) == [
        (1, "front matter field 'description' must be non-empty text"),
        (2, "front matter field 'title' must be non-empty text"),
        (3, "front matter field 'tags' must be a list of words"),
    ]


def test_config_without_languages_fails_with_its_file(tmp_path):
    write(tmp_path, "mkdocs.yml", "site_name: x\n")
    with pytest.raises(BuildFailed, match=r"mkdocs.yml:1: plugins.i18n.languages"):
        Project.load(tmp_path)


def run_one(snippet: Path, project: Project, key: str = "k"):
    (result,) = engine.run([(snippet, key)], project)
    return result


def test_cells_are_named_percent_blocks(tmp_path):
    path = write(tmp_path, "s.py", "import x\n# %% first\na = 1\n\n# %% second\nb = 2\n")
    assert source.cells(path) == {"first": "a = 1", "second": "b = 2"}


def test_engine_collects_output_values_tables_figures(tiny_site, tmp_path):
    path = write(tmp_path, "snip.py", """
        import matplotlib.pyplot as plt
        import numpy as np
        print("hello")
        plt.figure(num="curve"); plt.plot([1, 2])
        plt.figure(); plt.plot([3, 1])
        VALUES = {"x": np.float32(1.5), "n": np.int64(3)}
        TABLES = {"t": {"columns": ["a"], "rows": [[np.float64(2.0)]]}}
        """)
    project = Project.load(tiny_site)
    result = run_one(path, project)
    assert result.ok and result.stdout == "hello\n"
    assert result.values == {"x": 1.5, "n": 3} and result.tables["t"]["rows"] == [[2.0]]
    assert [f["name"] for f in result.figures] == ["curve", "2"]
    assert result.figures[0]["svg"].lstrip().startswith("<?xml")
    assert run_one(path, project).figures[0]["svg"] == result.figures[0]["svg"]  # deterministic


def test_a_figure_records_its_width_and_smallest_text_and_becomes_a_file_of_the_site(tiny_site, tmp_path):
    path = write(tmp_path, "fig.py", """
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots(figsize=(4, 3), num="curve")
        ax.plot([1, 2], label="$x^2$")
        ax.legend(fontsize=7)
        ax.set_title("$t$", fontsize=15)
        ax.text(1, 1, "   ", fontsize=3)  # blank: not text a reader sees
        """)
    result = run_one(path, Project.load(tiny_site))
    found = result.figure("curve")
    assert found["text_pt"] == 7.0 and 250 < found["width_pt"] <= 4 * 72  # tight bounding box, in pt
    ref = collect.Reference("figure", "t/fig.py", "curve", tiny_site / "docs/t/c.vi.md", 1, "", caption="Hình <1>")
    html = inject.blocks.figure(ref, result, "vi")
    assert "data:" not in html and 'alt="Hình &lt;1&gt;"' in html
    assert f'data-width-pt="{found["width_pt"]:g}" data-text-pt="7"' in html
    file = inject.blocks.figure_file(found["svg"])
    assert inject.blocks.figure_files([result]) == {file: found["svg"]}
    assert f'src="../../{file}"' in inject.blocks.link_figures(html, "t/c/")
    assert f'src="../../../{file}"' in inject.blocks.link_figures(html, "zh/t/c/")


def test_engine_locates_errors_in_the_snippet_folder(tiny_site, tmp_path):
    write(tmp_path, "lib.py", "def f():\n    return 1 / 0\n")
    path = write(tmp_path, "snip.py", "import lib\n\nlib.f()\n")
    error = run_one(path, Project.load(tiny_site)).error
    assert (Path(error.file).name, error.line, error.type) == ("lib.py", 2, "ZeroDivisionError")


def test_each_snippet_runs_in_its_own_process_as_main_with_one_thread(tiny_site):
    snippet = write(tiny_site, "snippets/topic/env.py",
                    "import os, sys, torch\nLEAK = globals().get('LEAK', 0) + 1\n"
                    "VALUES = {'threads': torch.get_num_threads(), 'main': __name__, 'path0': sys.path[0],\n"
                    "          'argv0': sys.argv[0], 'pid': os.getpid(), 'leak': LEAK}\n")
    project = Project.load(tiny_site)
    first, second = engine.run([(snippet, "a"), (snippet, "b")], project)
    assert first.ok and first.snippet == "topic/env.py"
    assert {k: first.values[k] for k in ("threads", "main", "path0", "argv0", "leak")} == {
        "threads": 1, "main": "__main__", "path0": str(snippet.parent), "argv0": str(snippet), "leak": 1}
    assert second.values["leak"] == 1 and second.values["pid"] != first.values["pid"]


def test_cache_key_follows_content_and_local_imports_not_mtime(tiny_site):
    project = Project.load(tiny_site)
    demo = tiny_site / "snippets/topic/demo.py"
    key = store.cache_key(demo, project)
    os.utime(demo, (time.time() + 100, time.time() + 100))
    assert store.cache_key(demo, project) == key
    helper = tiny_site / "snippets/topic/helper.py"
    helper.write_text(helper.read_text() + "# changed\n")
    assert store.cache_key(demo, project) != key
    assert source.local_imports(demo, (project.snippets_dir,)) == {helper.resolve()}


def test_store_round_trip(tiny_site):
    project = Project.load(tiny_site)
    result = run_one(tiny_site / "snippets/topic/demo.py", project, "abc")
    store.save(result, project)
    assert store.load("abc", project) == result
    assert store.load("missing", project) is None


def test_inject_reports_bad_format_and_keeps_indentation(tiny_site):
    project = Project.load(tiny_site)
    from scripts import pipeline

    results = pipeline.prepare(project).results
    page = collect.Page(path=tiny_site / "docs/x.vi.md", lang="vi", topic="")
    text = ("- item\n\n    {{ table: topic/demo.py#squares | A | B {:.2f} }}\n\n"
            "{{ value: topic/demo.py#total:.2q }}\n")
    rendered, problems = inject.render(page, text, inject.Context(project, results))
    assert "    | A | B |\n    | ---: | ---: |\n    | 1 | 1.00 |" in rendered
    assert [(p.line, p.message.split(":")[0]) for p in problems] == [(5, "cannot format 30 with '.2q'")]


@pytest.mark.parametrize(("lang", "title"), [("vi", "Đoạn mã chạy lỗi"), ("zh", "代码片段运行出错")])
def test_failed_snippet_shows_an_error_box_in_the_readers_language(tiny_site, lang, title):
    from scripts.result import Result, SnippetError

    project = Project.load(tiny_site)
    snippet = tiny_site / "snippets/topic/demo.py"
    error = SnippetError("ValueError", "bad", str(snippet), 7)
    results = {"topic/demo.py": Result("topic/demo.py", "k", ok=False, error=error)}
    page = collect.Page(path=tiny_site / f"docs/x.{lang}.md", lang=lang, topic="")
    rendered, problems = inject.render(page, "{{ output: topic/demo.py }}\n", inject.Context(project, results))
    assert f'!!! failure "{title}"' in rendered and "demo.py:7: ValueError: bad" in rendered
    assert "which failed" in problems[0].message


def test_timings_are_kept_apart_and_labelled_with_the_machine(tiny_site, tmp_path):
    """Values listed in TIMINGS are left out of the reproducibility comparison; a page can
    name the machine they were measured on with the reserved value name ``machine``."""
    snippet = write(tmp_path, "timed.py", "import time\n"
                    "VALUES = {'ms': time.perf_counter(), 'n': 3, 'error': 'ValueError'}\nTIMINGS = ['ms']\n")
    project = Project.load(tiny_site)
    first, second = (run_one(snippet, project) for _ in range(2))
    assert first.timings == ("ms",) and first.values["ms"] != second.values["ms"]
    assert first.reproducible() == second.reproducible()
    assert machine_name() == first.machine and "CPUs" in first.machine
    page = collect.Page(path=tiny_site / "docs/x.vi.md", lang="vi", topic="")
    text = "{{ value: topic/demo.py#machine }} / {{ value: topic/demo.py#total:.1f }}"
    from scripts import pipeline

    rendered, problems = inject.render(page, text, inject.Context(project, pipeline.prepare(project).results))
    assert problems == [] and inject_text(rendered) == f"{machine_name()} / 30.0"


def inject_text(markdown: str) -> str:
    """What a reader sees of injected Markdown text (character references decoded)."""
    import html

    return html.unescape(markdown)


def test_text_values_pass_through_a_numeric_format():
    from scripts.inject.blocks import formatted

    assert formatted("ValueError", ".2g") == "ValueError"
    assert formatted(0.0, ".2g") == "0"


def test_snippets_that_measure_time_run_alone_after_the_others(tiny_site, tmp_path):
    """Two workers, three snippets: the timed one starts only once the other two have ended."""
    stamp = "import time\nSTART = time.time()\ntime.sleep(0.3)\nVALUES = {'start': START, 'end': time.time()}\n"
    timed = write(tmp_path, "timed.py", stamp + "TIMINGS = ['start', 'end']\n")
    plain = [write(tmp_path, f"plain{i}.py", stamp) for i in range(2)]
    assert source.measures_time(timed) and not source.measures_time(plain[0])
    results = engine.run([(timed, "t"), (plain[0], "a"), (plain[1], "b")], Project.load(tiny_site))
    assert [r.key for r in results] == ["t", "a", "b"]  # the order asked for
    assert results[0].values["start"] >= max(r.values["end"] for r in results[1:])


def test_a_figure_of_measured_times_is_left_out_of_the_reproducibility_check(tiny_site, tmp_path):
    snippet = write(tmp_path, "timed_figure.py", "import time\nimport matplotlib.pyplot as plt\n"
                    "plt.figure(num='t'); plt.plot([time.perf_counter()])\nplt.figure(num='fixed'); plt.plot([1, 2])\n"
                    "TIMINGS = ['t']\n")
    project = Project.load(tiny_site)
    first, second = (run_one(snippet, project) for _ in range(2))
    assert first.figure("t") != second.figure("t") and first.figure("fixed") == second.figure("fixed")
    assert first.reproducible() == second.reproducible()


def test_a_value_with_superscript_digits_enters_math_as_exponents():
    """KaTeX's fonts have no ⁷ or ³: inside $...$ a value like 10⁷ becomes 10^{7} (no console warning)."""
    from scripts.inject.escape import math_literal

    assert math_literal("10⁴ ... 10⁷") == "10^{4} ... 10^{7}"
    assert math_literal("2.5 × 10⁻³") == r"2.5 \times  10^{-3}"
    assert math_literal("3·10⁴") == r"3\cdot 10^{4}"
    assert math_literal("a_b") == r"\text{a\_b}"  # anything else stays text, escaped
