"""Readable search previews: formulas as their plain text, tags in the page's language.

Material shows a result's text as it was indexed, and arithmatex leaves every formula there as
LaTeX source (``\\(\\sqrt{\\sigma^2+\\epsilon}\\)``). pylatexenc turns it into the text a reader
would write (``√(σ^2+ϵ)``); fractions keep their parentheses so that ``a/b`` reads right.
"""

from __future__ import annotations

import html
import re
from functools import cache

from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db
from pylatexenc.latexwalker import LatexWalker
from pylatexenc.latexwalker import get_default_latex_context_db as latexwalker_context_db
from pylatexenc.macrospec import LatexContextDb, MacroSpec

# \( ... \), \[ ... \] and $$ ... $$ as they stand in the indexed text (HTML-escaped)
MATH = re.compile(r"\\\((?P<inline>.+?)\\\)|\\\[(?P<display>.+?)\\\]|\$\$(?P<dollars>.+?)\$\$", re.S)
FRACTIONS = ("frac", "tfrac", "dfrac")


def plain_math(text: str) -> str:
    """Every formula in an indexed text (HTML) replaced by its plain text, escaped again."""
    return MATH.sub(lambda found: html.escape(_to_text(html.unescape(next(g for g in found.groups() if g))),
                                              quote=False), text)


def localized_tags(tags: list[str], lang: str, labels: dict[str, dict[str, str]]) -> list[str]:
    """A page's tags as their labels in the page's language (``data/tags.yml``)."""
    return [labels.get(tag, {}).get(lang, tag) for tag in tags]


@cache  # the same formulas stand in both languages' pages and in several sections of a page
def _to_text(latex: str) -> str:
    parser_context, converter = _converter()
    nodes, _, _ = LatexWalker(latex, latex_context=parser_context, tolerant_parsing=True).get_latex_nodes()
    return " ".join(converter.nodelist_to_text(nodes).split())


@cache
def _converter() -> tuple[LatexContextDb, LatexNodes2Text]:
    parser_context = latexwalker_context_db()
    parser_context.add_context_category("dlcards", macros=[MacroSpec(name, "{{") for name in FRACTIONS],
                                        prepend=True)
    text_context = get_default_latex_context_db()
    text_context.add_context_category(
        "dlcards",
        macros=[MacroTextSpec(name, simplify_repl=_fraction) for name in FRACTIONS]
        + [MacroTextSpec("|", simplify_repl="‖")],
        prepend=True,
    )
    return parser_context, LatexNodes2Text(math_mode="text", latex_context=text_context)


def _fraction(node, l2tobj) -> str:
    """``\\frac{x-\\mu}{s}`` → ``(x-μ)/s``: a part of more than one symbol gets parentheses."""
    numerator, denominator = (l2tobj.nodelist_to_text([arg]).strip() for arg in node.nodeargd.argnlist)
    return f"{_grouped(numerator)}/{_grouped(denominator)}"


def _grouped(part: str) -> str:
    return part if len(part) <= 1 or part.isalnum() else f"({part})"
