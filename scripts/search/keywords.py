"""The names a card is searched by, in every spelling readers type.

A card is found by its own name (title and file name) and by every name of the glossary terms it
explains (``card:`` in ``data/glossary.yml``): the term in the page's language, its aliases there
(d2l-vi, d2l-zh and other textbooks' words), its English name, its ``aliases.en`` spellings and its
abbreviation. Names written in Latin letters are added as readers type them in code and papers:
``BatchNorm`` → ``batchnorm``, ``batch norm``, ``batch-norm``.
"""

from __future__ import annotations

import re
from pathlib import Path

from scripts.collect import Page
from scripts.data import SiteData, Term
from scripts.problems import Problem
from scripts.search.words import pieces

CAMEL_CASE = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")  # BatchNorm, RMSNorm
WORD_GLUE = re.compile(r"[\s\-_/]+")


def card_key(page: Page) -> str:
    """``normalization/batch-norm``: what ``card:`` in the glossary names."""
    return f"{page.topic}/{page.slug}"


def spellings(name: str) -> list[str]:
    """``BatchNorm`` → ``batchnorm``, ``batch norm``, ``batch-norm`` (lowercase, joined, spaced,
    hyphenated); a name with letters outside ASCII (chuẩn hóa, 批归一化) is kept as it is."""
    if not name.isascii():
        return [name]
    words = [word.lower() for word in WORD_GLUE.split(CAMEL_CASE.sub(" ", name)) if word]
    return list(dict.fromkeys(["".join(words), " ".join(words), "-".join(words)]))


def term_names(term: Term, lang: str) -> list[str]:
    """Every name of a term a reader of ``lang`` may type."""
    names = [*term.all_names(lang), term.en, *term.aliases.get("en", ()), term.abbr]
    return [name for name in dict.fromkeys(names) if name]


def card_keywords(page: Page, data: SiteData) -> list[str]:
    """The words of the card's own name and of the names of the terms it explains, each in all its
    spellings (Chinese names with the words inside them), once each: a name's words count once
    however many names share them, so that a card is not ranked by how many names repeat a word."""
    names = [page.slug, *(name for term in data.glossary if term.card == card_key(page)
                          for name in term_names(term, page.lang))]
    words = (word for name in names for spelling in spellings(name) for piece in pieces(spelling)
             for word in WORD_GLUE.split(piece.lower()) if word)
    return list(dict.fromkeys(words))


def unknown_cards(pages: list[Page], data: SiteData, glossary_path: Path) -> list[Problem]:
    """A glossary ``card:`` that names no card (a renamed or deleted card), at its line."""
    known = {card_key(page) for page in pages if page.is_card}
    lines = glossary_path.read_text(encoding="utf-8").splitlines()
    return [Problem(glossary_path, _line_of(lines, f"card: {term.card}"),
                    f"term '{term.en}': card '{term.card}' is not a card (cards: {', '.join(sorted(known))})")
            for term in data.glossary if term.card and term.card not in known]


def _line_of(lines: list[str], text: str) -> int:
    return next((number for number, line in enumerate(lines, 1) if line.strip() == text), 1)
