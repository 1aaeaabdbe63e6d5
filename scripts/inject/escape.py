"""Nothing a snippet produced is trusted: how its text enters a Markdown page as plain text.

- ``literal``: text in prose or a table cell. Every character that Markdown, HTML, the
  abbreviation and math extensions, or this build's own directives could read as syntax becomes
  a numeric character reference, which the browser shows as the character itself.
- ``math_literal``: text inside ``$...$``. Numbers and comparison signs go in as they are, with
  Unicode superscript digits as exponents (``10⁷`` → ``10^{7}``: KaTeX's fonts have no such
  glyphs); anything else is set as ``\\text{...}`` with LaTeX's special characters escaped.
- ``fenced``: a block of text (printed output, an error) in a code fence longer than any run of
  backticks inside it, so nothing inside can close it.
"""

from __future__ import annotations

import re
import unicodedata

SAFE_PUNCTUATION = set(".,%()/'\";:")
ORDERED_LIST_START = re.compile(r"^(\d+)([.)])(?=\s|$)")
MATH_SAFE = re.compile(r"^[0-9A-Za-z.,+\-<>=()\s]*$")
SUPERSCRIPTS = re.compile("[⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺]+")
FROM_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
PRODUCT_SIGNS = str.maketrans("", "", "×·")  # 2.5 × 10⁻³, 3·10⁴: \times, \cdot
LATEX_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "%": r"\%", "#": r"\#",
                 "&": r"\&", "_": r"\_", "^": r"\textasciicircum{}", "~": r"\textasciitilde{}"}


def literal(text: str) -> str:
    """``text`` as Markdown that renders exactly as ``text``, inline, on one source line."""
    start = ORDERED_LIST_START.match(text)
    marker = start.end() - 1 if start else -1  # "1. x" at the start of a line is not a list
    return "".join(c if _plain(c) and i != marker else _reference(c) for i, c in enumerate(text))


def _plain(char: str) -> bool:
    if char == " " or char in SAFE_PUNCTUATION:
        return True
    if char.isascii():
        return char.isalnum()
    return unicodedata.category(char)[0] not in "CZ"  # no control, format or line-breaking characters


def _reference(char: str) -> str:
    return f"&#{ord(char)};"


def math_literal(text: str) -> str:
    """``text`` for the inside of ``$...$``: as it is when it is a number or a comparison."""
    if MATH_SAFE.match(SUPERSCRIPTS.sub("", text).translate(PRODUCT_SIGNS)):
        exponents = SUPERSCRIPTS.sub(lambda found: "^{" + found.group().translate(FROM_SUPERSCRIPT) + "}", text)
        return exponents.replace("×", r"\times ").replace("·", r"\cdot ").replace("\n", " ")
    escaped = "".join(LATEX_SPECIAL.get(c, c) for c in text.replace("\n", " "))
    return r"\text{" + escaped + "}"


def fenced(body: str, info: str) -> str:
    """A code fence around ``body`` that no line of ``body`` can close."""
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{info}\n{body.rstrip()}\n{fence}"


def attribute(text: str) -> str:
    """Text for a double-quoted attribute of a fence's info string (a code block's title)."""
    return text.replace('"', "'").replace("\n", " ")
