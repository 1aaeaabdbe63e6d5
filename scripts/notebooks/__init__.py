"""Notebook stage: every card, in each language, as an executed Jupyter notebook.

    compose.py   card -> notebook (nbformat): the card's prose and the snippets it shows, in order
    execute.py   run a notebook top to bottom in a fresh kernel (nbclient), one compute thread
    store.py     executed notebooks cached by content hash in .cache/notebooks/
    run.py       all cards: compose, execute what the cache lacks (one run per card), add outputs
    background.py  under ``make serve``: the missing runs in a thread; a watched stamp rebuilds
    pages.py     the site side: notebook pages per language (the static-i18n #198 workaround)

``python -m scripts.notebooks [card-slug ...]`` composes and executes them (only what the cache
lacks) and writes them to ``site-notebooks/``.
"""

from scripts.notebooks.background import notebooks_while_serving
from scripts.notebooks.compose import compose
from scripts.notebooks.execute import NotebookFailed, execute
from scripts.notebooks.run import executed_notebooks, with_outputs

__all__ = ["NotebookFailed", "compose", "executed_notebooks", "execute", "notebooks_while_serving", "with_outputs"]
