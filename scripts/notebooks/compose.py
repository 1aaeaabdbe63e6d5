"""A card as a notebook: its prose as Markdown cells, each snippet it shows as one code cell.

The code cells are the snippet files themselves (the only copy of the code), in the order the card
first uses them; the local modules a snippet imports come first, each written to the kernel's
folder by a ``%%writefile`` cell. Prose keeps the card's numbers (value and table directives are
rendered from the build's results); figures and printed output are not copied: the notebook's
own run produces them under its code cells.
"""

from __future__ import annotations

import re

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from scripts import catalog, inject
from scripts.collect import Page, Reference, resolve_snippet
from scripts.config import Project
from scripts.i18n import message
from scripts.source import local_imports

SHOWN_BY_RUNNING = ("code", "output", "figure")  # the notebook's run shows these itself
CARD_LINK = re.compile(r"\]\((?!\w+:|/|#)(?P<path>[^)\s#]+)\.md(?P<anchor>#[^)\s]*)?\)")
ADMONITION = re.compile(r'^(?P<indent>\s*)(?:!!!|\?\?\?)\+?\s+[\w-]+(?:\s+"(?P<title>[^"]*)")?\s*$')
SETUP = """\
# As in the build: one compute thread (float sums, and so the numbers,
# depend on the thread count) and figures as SVG. Run this cell first.
import torch

torch.set_num_threads(1)
%config InlineBackend.figure_formats = ["svg"]
svg_options = {"bbox_inches": "tight", "metadata": {"Date": None}}
%config InlineBackend.print_figure_kwargs = svg_options"""


def compose(page: Page, context: inject.Context) -> nbformat.NotebookNode:
    """The notebook of one card in its language (``context`` holds the build's results)."""
    project = context.project
    cells = [new_markdown_cell(f"# {page.title}"),
             new_markdown_cell(message(page.lang, "notebook_intro").format(card=page.path.name)),
             new_code_cell(SETUP, metadata={"dlcards": {"role": "setup"}})]
    blocks = {ref.line: ref for ref in page.references if ref.is_block}
    results_used = {ref.snippet for ref in page.references if ref.kind != "code"}  # the others are only shown
    prose: list[str] = []
    prose_line = page.body_line
    shown: set[str] = set()
    written: set[str] = set()
    for number, line in enumerate(page.body.split("\n"), start=page.body_line):
        ref = blocks.get(number)
        if ref is None and line.startswith("# "):
            prose.append("")  # the title is the first cell
            continue
        if ref is None or ref.kind == "catalog" or (ref.kind == "table" and ref.snippet in shown):
            prose.append("" if ref is not None and ref.kind == "catalog" else line)
            continue
        if ref.snippet not in shown:
            cells += _markdown(prose, prose_line, page, context)
            cells += _snippet_cells(ref, project, written, run=ref.snippet in results_used)
            shown.add(ref.snippet)
            prose, prose_line = [], number
        prose.append("" if ref.kind in SHOWN_BY_RUNNING else line)
    cells += _markdown(prose, prose_line, page, context)
    terms = catalog.terms_text(page, context.data) if context.data is not None else ""
    if terms:
        cells.append(new_markdown_cell(terms))
    for index, cell in enumerate(cells):
        cell.id = f"cell-{index + 1}"  # not nbformat's random ids: two builds give the same file
    notebook = new_notebook(cells=cells)
    notebook.metadata.update({
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
        "dlcards": {"card": project.relative(page.path), "lang": page.lang},
    })
    return notebook


def _snippet_cells(ref: Reference, project: Project, written: set[str], run: bool) -> list:
    """``%%writefile`` cells for the local modules the snippet needs, then the snippet itself: run
    when the card uses its results, else (a module the card only shows) written like the others."""
    path = resolve_snippet(ref.snippet, project)
    modules = sorted(local_imports(path, (project.snippets_dir,)))
    cells = [_module_cell(module, project, written) for module in (modules if run else [*modules, path])]
    source = path.read_text(encoding="utf-8").rstrip("\n")
    metadata = {"dlcards": {"role": "snippet", "snippet": ref.snippet}}
    if run and "__file__" in source:  # it runs itself (e.g. in a subprocess): it needs to be a file
        cells += [_module_cell(path, project, written), new_code_cell(f"%run {path.name}", metadata=metadata)]
    elif run:
        cells.append(new_code_cell(source, metadata=metadata))
    return [cell for cell in cells if cell is not None]


def _module_cell(module, project: Project, written: set[str]):
    """A cell writing a local module into the kernel's folder, once per notebook."""
    relative = module.resolve().relative_to(project.snippets_dir.resolve()).as_posix()
    if relative in written:
        return None
    written.add(relative)
    return new_code_cell(f"%%writefile {module.name}\n" + module.read_text(encoding="utf-8").rstrip("\n"),
                         metadata={"dlcards": {"role": "module", "snippet": relative}})


def _markdown(lines: list[str], first_line: int, page: Page, context: inject.Context) -> list:
    """The prose between two code cells, its directives rendered; nothing when it is blank."""
    text = "\n".join(lines).strip("\n")
    if not text.strip():
        return []
    skipped = len("\n".join(lines)) - len("\n".join(lines).lstrip("\n"))
    rendered, _ = inject.render(page, text, context, first_line + "\n".join(lines)[:skipped].count("\n"),
                                whole_page=False)
    return [new_markdown_cell(plain_markdown(rendered))]


def _link_from_notebook_page(link: re.Match) -> str:
    """``](batch-norm.md#x)`` in a card as a link from its notebook page, ``<card>/notebook/``: the
    site's URL of that page (``batch-norm/``, ``index.md`` as its folder), two folders further up."""
    path = link["path"]
    url = path.removesuffix("index") if path == "index" or path.endswith("/index") else path + "/"
    return f"](../../{url}{link['anchor'] or ''})"


def plain_markdown(text: str) -> str:
    """Admonitions (``??? question "…"``, ``!!! note``) as a bold title and their body dedented:
    Jupyter's Markdown has no admonitions. Links to other pages as the notebook's page reaches them."""
    text = CARD_LINK.sub(_link_from_notebook_page, text)
    out: list[str] = []
    body_indent: str | None = None
    for line in text.split("\n"):
        start = ADMONITION.match(line)
        if start:
            body_indent = start["indent"] + "    "
            out.append(f"{start['indent']}**{start['title']}**" if start["title"] else "")
            out.append("")
            continue
        if body_indent is not None and (line.startswith(body_indent) or not line.strip()):
            out.append(line[len(body_indent):] if line.strip() else "")
            continue
        body_indent = None
        out.append(line)
    return "\n".join(out)
