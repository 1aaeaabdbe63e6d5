"""No Vietnamese or Chinese letters inside math: KaTeX's fonts have neither.

``\\text{trung bình}`` or ``\\text{均值}`` in a formula is drawn in whatever fallback font the browser
finds, at the wrong size and baseline. Words belong in the sentence; a formula uses symbols the text
defines. Math is found where pymdownx.arithmatex (generic) finds it: ``$...$``, ``\\(...\\)``,
``$$...$$``, ``\\[...\\]`` and ``\\begin{env}...\\end{env}``, over several lines of a paragraph, in
list items, admonitions and table cells; code (fenced, indented, inline spans) is not math.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from scripts.collect import Page
from scripts.collect.regions import scan
from scripts.problems import Problem

_BODY = r"(?:\\.|[^\\])+?"  # escaped characters are part of the formula
MATH = re.compile(
    rf"(?<!\\)\$\${_BODY}\$\$"
    r"|(?<!\\)\\\[(?:\\[^\]]|[^\\])+?\\\]"
    rf"|(?<!\\)\\begin\{{(?P<env>[a-z]+\*?)\}}{_BODY}\\end\{{(?P=env)\}}"
    r"|(?<!\\)\\\((?:\\[^)]|[^\\])+?\\\)"
    r"|(?<![\\$])\$(?![\s$])(?:\\.|[^\\$])+?(?<!\s)\$",
    re.S,
)
CELL_SEPARATOR = re.compile(r"(?<!\\)\|")
CELL_LINE = re.compile(r"^\s*(?:\||\{\{\s*(?:table|figure)\s*:)")  # a table row, or a directive with cells
WORDS = re.compile(r"[^\W\d_]+(?:[ \t]+[^\W\d_]+)*")  # words, with the spaces between them
ADVICE = ("KaTeX's fonts have no {letters}; move the words out of the formula (write them in the sentence, "
          "or use a symbol the text defines)")


def foreign_script(char: str) -> str:
    """'Vietnamese' for a Latin letter beyond ASCII (ă, ê, ơ, đ...), 'Chinese' for a CJK character, else ''."""
    if char.isascii():
        return ""
    name = unicodedata.name(char, "")
    if unicodedata.category(char).startswith("L") and name.startswith("LATIN "):
        return "Vietnamese"
    if unicodedata.east_asian_width(char) in ("W", "F") and not unicodedata.category(char).startswith("S"):
        return "Chinese"  # ideographs, kana, fullwidth letters and punctuation (，：（）)
    return ""


@dataclass(frozen=True)
class _Segment:
    """A stretch of text math cannot leave: a paragraph, or one cell of a table row."""

    text: str
    line: int  # file line of the segment's first character


def check_math_letters(page: Page) -> list[Problem]:
    """One problem per formula and line that holds Vietnamese or Chinese words."""
    problems = []
    for segment in _segments(page):
        for math in MATH.finditer(segment.text):
            problems += _formula_problems(page, segment, math)
    return problems


def _formula_problems(page: Page, segment: _Segment, math: re.Match) -> list[Problem]:
    formula = math.group()
    formula_lines = formula.split("\n")
    first_line = segment.line + segment.text.count("\n", 0, math.start())
    found: dict[tuple[int, str], list[str]] = {}
    for run in WORDS.finditer(formula):
        line = first_line + formula.count("\n", 0, run.start())
        for script in sorted({foreign_script(char) for char in run.group()} - {""}):
            found.setdefault((line, script), []).append(run.group())
    letters = {"Vietnamese": "Vietnamese letters", "Chinese": "Chinese characters"}
    return [Problem(page.path, line, f"{script} text {', '.join(repr(w) for w in words)} inside math "
                                     f"({_excerpt(formula_lines[line - first_line])}): "
                                     + ADVICE.format(letters=letters[script]))
            for (line, script), words in found.items()]


def _excerpt(text: str) -> str:
    """One line of a formula, shortened to about 60 characters."""
    text = text.strip()
    return text if len(text) <= 60 else text[:57] + "..."


def _segments(page: Page) -> Iterator[_Segment]:
    """Paragraphs (code blanked, columns kept) and table cells of the page body, with file lines."""
    paragraph: list[tuple[int, str]] = []
    for line in scan(page.body):
        number = line.number + page.body_line - 1
        if not line.text.strip() or CELL_LINE.match(line.text):
            yield from _paragraph(paragraph)
            paragraph = []
            if line.text.strip():
                yield from (_Segment(cell, number) for cell in CELL_SEPARATOR.split(line.text))
            continue
        paragraph.append((number, line.text))
    yield from _paragraph(paragraph)


def _paragraph(lines: list[tuple[int, str]]) -> Iterator[_Segment]:
    if lines:
        yield _Segment("\n".join(text for _, text in lines), lines[0][0])
