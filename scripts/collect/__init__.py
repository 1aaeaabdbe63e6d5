"""Collect stage: read every page of ``docs/``, validate card front matter, find references.

    pages.py       pages: language, topic, front matter, headings; ``collect`` reads them all
    directives.py  ``{{ kind: ... }}`` directives with line and column; malformed ones as problems
    regions.py     where code and math are, so directives in code stay text
    snippets.py    the snippet a directive names, confined to snippets/
"""

from scripts.collect.directives import BLOCK_KINDS, KINDS, NO_SNIPPET_KINDS, Column, Reference, find_references
from scripts.collect.pages import Heading, Page, collect, find_headings, page_language, page_topic, read_page, read_text
from scripts.collect.snippets import SnippetPathError, check_snippet_exists, resolve_snippet, snippets_used

__all__ = [
    "BLOCK_KINDS", "KINDS", "NO_SNIPPET_KINDS", "Column", "Heading", "Page", "Reference", "SnippetPathError",
    "check_snippet_exists", "collect", "find_headings", "find_references", "page_language", "page_topic",
    "read_page", "read_text", "resolve_snippet", "snippets_used",
]
