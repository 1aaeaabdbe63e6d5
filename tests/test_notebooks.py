"""The notebook stage: each card as a notebook of its prose and its snippets, executed in a fresh
kernel the way a reader runs it, with the same printed output as the card."""

from __future__ import annotations

from conftest import DEMO_SNIPPET, REPO, write

from scripts import data, pipeline
from scripts.config import Project
from scripts.i18n import message
from scripts.notebooks import compose, executed_notebooks
from scripts.notebooks.compose import plain_markdown


def prepared_and_context(root):
    project = Project.load(root)
    prepared = pipeline.build_results(project)
    return prepared, prepared.context(project, data.load(project))


def role(cell) -> str:
    return cell.metadata.get("dlcards", {}).get("role", "")


def printed(cell) -> str:
    return "".join(o.text for o in cell.outputs if o.output_type == "stream" and o.name == "stdout")


def test_a_card_becomes_its_prose_and_its_snippets_in_first_use_order(tiny_site):
    prepared, context = prepared_and_context(tiny_site)
    words = {"vi": ["# Thẻ thử", "## Định nghĩa", "Tổng là 30 và tỉ lệ 0.667", "| Số | Bình phương |", "| 4 | 16.0 |"],
             "zh": ["# 测试卡片", "## 定义", "总和是 30，比例为 0.667", "| 数 | 平方 |", "| 4 | 16.0 |"]}
    for page in (page for page in prepared.pages if page.is_card):
        notebook = compose(page, context)
        code = [cell for cell in notebook.cells if cell.cell_type == "code"]
        assert [role(cell) for cell in code] == ["setup", "module", "snippet"]
        helper = (tiny_site / "snippets/topic/helper.py").read_text(encoding="utf-8")
        assert code[1].source == "%%writefile helper.py\n" + helper.rstrip("\n")  # the module, then its user
        assert code[2].source == (tiny_site / "snippets/topic/demo.py").read_text(encoding="utf-8").rstrip("\n")
        prose = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
        assert "{{" not in prose and "Kết quả in ra" not in prose  # output and figures come from the run
        for text in words[page.lang]:
            assert text in prose, (page.lang, text)
        assert notebook.metadata["dlcards"] == {"card": f"docs/topic/card.{page.lang}.md", "lang": page.lang}


def test_both_languages_share_one_run_that_prints_what_the_card_shows_and_is_cached(tiny_site):
    prepared, context = prepared_and_context(tiny_site)
    notebooks, problems, runs = executed_notebooks(prepared.pages, context)
    assert problems == {} and runs == 1 and len(notebooks) == 2
    for notebook in notebooks.values():
        snippet = next(cell for cell in notebook.cells if role(cell) == "snippet")
        assert printed(snippet) == prepared.results["topic/demo.py"].stdout == "squares: [1, 4, 9, 16]\n"
        assert all(cell.execution_count for cell in notebook.cells if cell.cell_type == "code")
    assert executed_notebooks(prepared.pages, context)[2] == 0  # warm: nothing runs


def test_editing_prose_runs_nothing_but_editing_code_runs_again(tiny_site):
    prepared, context = prepared_and_context(tiny_site)
    executed_notebooks(prepared.pages, context)
    card = tiny_site / "docs/topic/card.vi.md"
    card.write_text(card.read_text(encoding="utf-8").replace("Text.", "Văn bản khác.", 1), encoding="utf-8")
    prepared, context = prepared_and_context(tiny_site)
    assert executed_notebooks(prepared.pages, context)[2] == 0
    write(tiny_site, "snippets/topic/helper.py", "def square(x):\n    return x ** 2\n")
    prepared, context = prepared_and_context(tiny_site)
    assert executed_notebooks(prepared.pages, context)[2] == 1


def test_a_cell_that_fails_in_the_notebook_names_the_snippet_and_line(tiny_site):
    failing = DEMO_SNIPPET + '\nimport sys\n\nif "ipykernel" in sys.modules:  # only in a notebook\n' \
                             '    raise RuntimeError("broken in the notebook")\n'
    path = write(tiny_site, "snippets/topic/demo.py", failing)
    line = path.read_text(encoding="utf-8").splitlines().index('    raise RuntimeError("broken in the notebook")') + 1
    prepared, context = prepared_and_context(tiny_site)  # the build's own run passes
    notebooks, failures, _ = executed_notebooks(prepared.pages, context)
    assert notebooks == {} and len(failures) == 2 and len(set(failures.values())) == 1  # one run for both
    problem = next(iter(failures.values()))
    assert (problem.path, problem.line) == (path, line)
    assert "card.vi.md" in problem.message and "RuntimeError: broken in the notebook" in problem.message


def test_admonitions_become_a_bold_title_and_their_text():
    text = '??? question "Vì sao?"\n    Vì thế.\n\n    Và thế.\nSau đó.\n!!! note\n    Ghi chú.'
    assert plain_markdown(text) == "**Vì sao?**\n\nVì thế.\n\nVà thế.\nSau đó.\n\n\nGhi chú."


def test_links_to_other_cards_lead_there_from_the_notebook_page():
    """A notebook page is ``<card>/notebook/``: two folders below the card's folder."""
    text = "[BN](batch-norm.md), [VE](../training-basics/vanishing-exploding.md#x), [home](../index.md), [w](https://a.b/c.md)"
    assert plain_markdown(text) == ("[BN](../../batch-norm/), [VE](../../../training-basics/vanishing-exploding/#x), "
                                    "[home](../../../), [w](https://a.b/c.md)")


def test_the_terms_line_ends_the_notebook_once_without_page_only_syntax(tiny_site):
    from conftest import set_card_body

    set_card_body(tiny_site, "\nLayerNorm (LN).\n\n{{ code: topic/demo.py#compute }}\n\nLN.\n")
    prepared, context = prepared_and_context(tiny_site)
    for page in (page for page in prepared.pages if page.is_card):
        markdown = [cell.source for cell in compose(page, context).cells if cell.cell_type == "markdown"]
        assert sum(message(page.lang, "terms_used") in source for source in markdown) == 1
        assert message(page.lang, "terms_used") in markdown[-1]
        assert not any("{: ." in source or "\n*[" in "\n" + source for source in markdown)


def test_a_real_card_notebook_prints_exactly_what_its_card_shows(real_site):
    prepared, context = prepared_and_context(REPO)  # warm: real_site ran every snippet
    pages = [page for page in prepared.pages if page.slug == "group-rms-norm"]
    notebooks, problems, _ = executed_notebooks(pages, context)
    assert problems == {} and len(notebooks) == 2
    for notebook in notebooks.values():
        cells = [cell for cell in notebook.cells if role(cell) == "snippet"]
        assert cells
        for cell in cells:
            result = prepared.results[cell.metadata["dlcards"]["snippet"]]
            if not result.timings:
                assert printed(cell) == result.stdout, result.snippet
            assert len([o for o in cell.outputs if "image/svg+xml" in o.get("data", {})]) == len(result.figures)


def test_a_reader_downloads_a_notebook_and_runs_it_clean_in_a_fresh_kernel(real_site, tmp_path):
    """What a reader does: take the .ipynb from the built site, clear it, run it top to bottom with
    nbclient in an empty folder; no cell fails and every snippet prints what its card shows."""
    import nbformat
    from nbclient import NotebookClient

    downloaded = nbformat.read(real_site / "zh/normalization/group-rms-norm/notebook/group-rms-norm.zh.ipynb", 4)
    for cell in downloaded.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    NotebookClient(downloaded, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}},
                   extra_arguments=["--IPKernelApp.log_level=ERROR"]).execute()
    prepared, _ = prepared_and_context(REPO)
    snippets = [cell for cell in downloaded.cells if role(cell) == "snippet"]
    assert snippets
    for cell in snippets:
        assert not [o for o in cell.outputs if o.output_type == "error"]
        result = prepared.results[cell.metadata["dlcards"]["snippet"]]
        if not result.timings:
            assert printed(cell) == result.stdout, result.snippet


NOTEBOOK_ONLY_FAILURE = '\nimport sys\n\nif "ipykernel" in sys.modules:  # only in a notebook\n' \
                        '    raise RuntimeError("broken <b>in</b> the notebook")\n'


def test_a_failing_notebook_stops_the_build_and_serve_shows_it_then_runs_the_fix_in_the_background(tiny_site, tmp_path):
    from test_robust_build import _get, serving, wait_for

    from scripts import build

    with (tiny_site / "mkdocs.yml").open("a", encoding="utf-8") as config:
        config.write("extra:\n  dlcards:\n    notebooks: true\n")
    path = write(tiny_site, "snippets/topic/demo.py", DEMO_SNIPPET + NOTEBOOK_ONLY_FAILURE)
    raising = '    raise RuntimeError("broken <b>in</b> the notebook")'
    line = path.read_text(encoding="utf-8").splitlines().index(raising) + 1
    assert build.main(["build", "--root", str(tiny_site), "--site-dir", str(tmp_path / "out")]) != 0
    assert not (tmp_path / "out").exists()  # nothing half-built
    with serving(tiny_site, tmp_path / "serve.log") as port:
        vi, zh = (f"http://127.0.0.1:{port}/{prefix}topic/card/notebook/" for prefix in ("", "zh/"))
        wait_for(lambda: "Sổ tay của thẻ này chạy lỗi" in _get(vi), "the notebook's error box", patience=120)
        page = _get(vi)
        assert f"snippets/topic/demo.py:{line}:" in page and "&lt;b&gt;in&lt;/b&gt;" in page and "<b>in</b>" not in page
        assert "本卡片的笔记本运行出错" in _get(zh)
        assert 'href="notebook/"' in _get(f"http://127.0.0.1:{port}/topic/card/")
        path.write_text(DEMO_SNIPPET.lstrip("\n"), encoding="utf-8")  # fixed: the card at once, the notebook
        wait_for(lambda: "squares: [1, 4, 9, 16]" in _get(vi), "the notebook run in the background", patience=120)
        assert "jp-CodeCell" in _get(zh) and "Sổ tay của thẻ này chạy lỗi" not in _get(vi)
    assert f"demo.py:{line}" in (tmp_path / "serve.log").read_text()
