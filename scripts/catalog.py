"""Pages generated from the cards' front matter and data/: card index, tags, glossary, abbreviations.

A page asks for one with ``{{ catalog: cards }}``, ``{{ catalog: tags }}`` or
``{{ catalog: glossary }}``; adding a card never needs a hand edit of an index.
Everything is written in the language of the page that asks, and the glossary is sorted the way
that language sorts (ICU collation): Vietnamese by its alphabet (a ă â b c d đ e ê ..., tones
as second differences), Chinese by pinyin.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path

import icu

from scripts.collect import Page
from scripts.data import SiteData, Term
from scripts.i18n import message

CATALOGS = ("cards", "tags", "glossary")


def link(source: Page, target: Page) -> str:
    """A Markdown link target from one page to another, language-neutral (the i18n plugin picks the language)."""
    neutral = target.path.with_name(f"{target.slug}.md")
    return Path(os.path.relpath(neutral, source.path.parent)).as_posix()


def cards_in(pages: list[Page], lang: str) -> list[Page]:
    """The cards in ``lang``, by topic, then by title as ``lang`` sorts (ICU collation)."""
    key = collation_key(lang)
    return sorted((p for p in pages if p.is_card and p.lang == lang), key=lambda p: (p.topic, key(p.title)))


def render(name: str, page: Page, pages: list[Page], data: SiteData) -> str:
    """The Markdown of one catalog, for ``page``'s language."""
    return {"cards": _cards, "tags": _tags, "glossary": _glossary}[name](page, pages, data)


def _card_line(page: Page, card: Page) -> str:
    return f"- [{card.title}]({link(page, card)}) — {card.description}"


def _cards(page: Page, pages: list[Page], data: SiteData) -> str:
    """Cards grouped by topic, in the order of data/topics.yml, with their descriptions."""
    blocks = []
    cards = cards_in(pages, page.lang)
    for topic, names in data.topics.items():
        lines = [_card_line(page, card) for card in cards if card.topic == topic]
        if lines:
            blocks.append(f"## {names[page.lang]}\n\n" + "\n".join(lines))
    return "\n\n".join(blocks) if blocks else message(page.lang, "no_cards")


def _tags(page: Page, pages: list[Page], data: SiteData) -> str:
    """One section per tag in use, listing the cards that carry it."""
    blocks = []
    cards = cards_in(pages, page.lang)
    for tag, labels in data.tags.items():
        lines = [_card_line(page, card) for card in cards if tag in card.tags]
        if lines:
            blocks.append(f"## {labels[page.lang]} {{#{tag}}}\n\n" + "\n".join(lines))
    return "\n\n".join(blocks) if blocks else message(page.lang, "no_cards")


@cache
def _collator(lang: str) -> icu.Collator:
    return icu.Collator.createInstance(icu.Locale(lang))


def collation_key(lang: str) -> Callable[[str], bytes]:
    """ICU's sort key for ``lang``: Vietnamese alphabetical order, pinyin for Chinese (zh's default)."""
    return _collator(lang).getSortKey


def glossary_order(glossary: tuple[Term, ...], lang: str) -> list[Term]:
    """The terms as a dictionary in ``lang`` lists them (the English name breaks ties)."""
    key = collation_key(lang)
    return sorted(glossary, key=lambda term: (key(term.names[lang]), term.en))


def uses_term(card: Page, term: Term, glossary: tuple[Term, ...]) -> bool:
    """A card uses a term when it names it in its language (or by an alias), in English, or by its
    abbreviation. Where two names overlap, the longest one is what the card says: "vòng lặp for"
    (a loop) is not "vòng lặp" (an iteration)."""
    return term.key in terms_in(card.text, card.lang, glossary)


def terms_in(text: str, lang: str, glossary: tuple[Term, ...]) -> frozenset[str]:
    """Keys of the glossary terms a text names, reading it left to right, longest name first
    (remembered: every card is read for the glossary page and for its own terms line)."""
    if _terms_found.get("glossary") is not glossary:  # data/glossary.yml was read again (serve)
        _terms_found.clear()
        _terms_found["glossary"] = glossary
    key = (text, lang)
    if key not in _terms_found:
        _terms_found[key] = _find_terms(text, lang, glossary)
    return _terms_found[key]


_terms_found: dict = {}


def _find_terms(text: str, lang: str, glossary: tuple[Term, ...]) -> frozenset[str]:
    owner = {}
    for term in glossary:
        for name in (*term.all_names(lang), term.en):
            owner.setdefault(name.lower(), term.key)
    pattern = re.compile("|".join(re.escape(name) for name in sorted(owner, key=len, reverse=True)))
    found = {owner[match.group()] for match in pattern.finditer(text.lower())}
    found |= {term.key for term in glossary if term.abbr
              and re.search(rf"(?<![\w-]){re.escape(term.abbr)}(?![\w-])", text)}
    return frozenset(found)


def _glossary(page: Page, pages: list[Page], data: SiteData) -> str:
    """A table of every term: this language, the other languages, English, abbreviation, definition, cards."""
    lang = page.lang
    others = [other for other in data.glossary[0].names if other != lang] if data.glossary else []
    headers = [message(lang, "term"), *[message(lang, f"language_{o}") for o in others], "English",
               message(lang, "abbreviation"), message(lang, "definition"), message(lang, "cards")]
    rows = []
    cards = cards_in(pages, lang)
    for term in glossary_order(data.glossary, lang):
        used = ", ".join(f"[{card.title}]({link(page, card)})" for card in cards
                         if uses_term(card, term, data.glossary))
        aliases = message(lang, "list_separator").join(term.aliases.get(lang, ()))
        cells = [f"**{term.names[lang]}**" + (message(lang, "aside").format(aliases) if aliases else ""),
                 *[term.names[o] for o in others], term.en, term.abbr, term.definitions[lang], used]
        rows.append("| " + " | ".join(cell.replace("|", r"\|") for cell in cells) + " |")
    table = "\n".join(["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers), *rows])
    return f'<div class="glossary-table" markdown>\n\n{table}\n\n</div>'  # cards.css: column widths


def terms_line(card: Page, data: SiteData) -> str:
    """A line at the end of a card: the glossary terms it uses, each with its other names (the words of
    d2l-vi / d2l-zh and of other textbooks), so that a reader searching with those words finds it."""
    terms = terms_text(card, data)
    return terms + "\n{: .card-terms }" if terms else ""


def terms_text(card: Page, data: SiteData) -> str:
    """``terms_line`` as plain Markdown (for a notebook: no attribute list)."""
    used = [term for term in data.glossary if uses_term(card, term, data.glossary)]
    if not used:
        return ""
    items = []
    for term in used:
        name = term.names[card.lang]
        others = [other for other in dict.fromkeys([*term.aliases.get(card.lang, ()), term.en]) if other != name]
        aside = message(card.lang, "aside").format(message(card.lang, "list_separator").join(others))
        items.append(f"**{name}**" + (aside if others else ""))
    return f"---\n\n{message(card.lang, 'terms_used')}" + " · ".join(items)


def abbreviations(lang: str, data: SiteData) -> str:
    """Python-Markdown ``abbr`` definitions: hovering BN, LN, SGD... shows them in the reader's language."""
    return "\n".join(f"*[{term.abbr}]: {term.names[lang]} ({term.en}): {term.definitions[lang]}"
                     for term in data.glossary if term.abbr)
