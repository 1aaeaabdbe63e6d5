"""``python -m scripts.notebooks [card-slug ...]``: compose and execute the cards' notebooks and
write them to ``site-notebooks/`` (``<topic>/<card>.<lang>.ipynb``)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat

from scripts import data, pipeline
from scripts.config import Project
from scripts.notebooks.run import executed_notebooks


def main(slugs: list[str]) -> int:
    project = Project.load(".")
    prepared = pipeline.build_results(project)
    pages = [page for page in prepared.pages if page.is_card and (not slugs or page.slug in slugs)]
    start = time.perf_counter()
    notebooks, problems, runs = executed_notebooks(pages, prepared.context(project, data.load(project)))
    out = Path("site-notebooks")
    for path, notebook in notebooks.items():
        target = out / path.relative_to(project.docs_dir).with_suffix(".ipynb")
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, target)
    print(f"{len(notebooks)} notebook(s), {runs} execution(s), in {time.perf_counter() - start:.1f} s -> {out}/")
    for problem in sorted(set(problems.values())):
        print(f"{project.relative(problem.path)}:{problem.line}: {problem.message}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
