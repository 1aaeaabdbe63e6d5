"""Notebook stage: every card, in each language, as an executed Jupyter notebook.

    compose.py   card -> notebook (nbformat): the card's prose and the snippets it shows, in order
    execute.py   run a notebook top to bottom in a fresh kernel (nbclient), one compute thread
    store.py     executed notebooks cached by content hash in .cache/notebooks/
    run.py       all cards: compose, execute what the cache lacks (one run per card), add outputs

``python -m scripts.notebooks [card-slug ...]`` composes and executes them (only what the cache
lacks) and writes them to ``site-notebooks/``.
"""

from scripts.notebooks.compose import compose
from scripts.notebooks.execute import NotebookFailed, execute
from scripts.notebooks.run import executed_notebooks, with_outputs

__all__ = ["NotebookFailed", "compose", "executed_notebooks", "execute", "with_outputs"]
