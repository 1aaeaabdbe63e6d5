"""Where code and math are in a Markdown page, so that directives there are treated right.

``scan(text)`` returns each line with code blanked out (fenced blocks, indented code blocks,
inline code spans: a card can show ``{{ value: ... }}`` as syntax) and the column ranges of math
(``$...$``, ``\\(...\\)``, display blocks), where a value must be written as math, not as HTML.
Blanking keeps every column where it was, so a directive's position is its position in the file.

The rules follow Python-Markdown with pymdownx (superfences, arithmatex): container blocks (list
items, admonitions, tabs) take four spaces of indentation; code is indented four more.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

FENCE = re.compile(r"^\s*(?P<marker>```+|~~~+)")
CONTAINER = re.compile(r"^(?P<indent>\s*)(?:[-*+]|\d+[.)]|!!!|\?\?\?\+?|===)(?:\s|$)")
CODE_SPAN = re.compile(r"(?<![\\`])(?P<ticks>`+)(?!`).+?(?<!`)(?P=ticks)(?!`)", re.S)
INLINE_MATH = re.compile(r"(?<!\\)\$(?!\s)(?:\\.|[^\\$\n])+?(?<!\s)\$|(?<!\\)\\\((?:\\.|[^\n])+?\\\)")
DISPLAY_OPEN = re.compile(r"^\s*(\$\$|\\\[)\s*$")
DISPLAY_ONE_LINE = re.compile(r"\$\$.+?\$\$")


@dataclass
class Line:
    number: int  # 1-based, in the text given to ``scan``
    text: str  # the line with code blanked out
    original: str  # the line as written
    math: list[tuple[int, int]] = field(default_factory=list)  # [start, end) columns of math

    def in_math(self, column: int) -> bool:
        return any(start <= column < end for start, end in self.math)


@lru_cache(maxsize=64)  # headings and directives of a page are found in one scan
def scan(text: str, first_line: int = 1) -> tuple[Line, ...]:
    """Every line from ``first_line`` on, with code blanked and math located."""
    raw = text.split("\n")
    blanked = _blank_blocks(raw, first_line)
    blanked = _blank_code_spans(blanked)
    lines, display = [], False
    for index, line in enumerate(blanked):
        if index + 1 < first_line:
            continue
        item = Line(index + 1, line, raw[index])
        if DISPLAY_OPEN.match(line):
            display = not display
            item.math.append((0, len(line)))
        elif display:
            item.math.append((0, len(line)))
        else:
            item.math = [m.span() for m in DISPLAY_ONE_LINE.finditer(line)]
            item.math += [m.span() for m in INLINE_MATH.finditer(line) if not item.in_math(m.start())]
        lines.append(item)
    return tuple(lines)


def _blank(line: str) -> str:
    return " " * len(line)


def _indent(line: str) -> int:
    return len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip())


def _blank_blocks(lines: list[str], first_line: int) -> list[str]:
    """Blank fenced code blocks and indented code blocks (not indented container content)."""
    out, fence, containers, blank_before, in_code = [], None, [], True, False
    for index, line in enumerate(lines):
        if index + 1 < first_line:
            out.append(line)
            continue
        opening = FENCE.match(line)
        if fence is not None or opening:
            if fence is None:
                fence = opening["marker"]
            elif opening and opening["marker"][0] == fence[0] and len(opening["marker"]) >= len(fence) \
                    and not line.strip()[len(opening["marker"]):].strip():
                fence = None
            out.append(_blank(line))
            blank_before = False
            continue
        if not line.strip():
            out.append(line)
            blank_before = True
            continue
        indent = _indent(line)
        base = containers[-1] if containers else 0
        if in_code and indent >= base + 4:
            out.append(_blank(line))
            continue
        in_code = False
        while containers and indent < containers[-1] and blank_before:
            containers.pop()
        base = containers[-1] if containers else 0
        if blank_before and indent >= base + 4:
            in_code = True
            out.append(_blank(line))
            blank_before = False
            continue
        if CONTAINER.match(line):
            while containers and containers[-1] > indent:
                containers.pop()  # a sibling item ends the one before
            containers.append(indent + 4)
        out.append(line)
        blank_before = False
    return out


def _blank_code_spans(lines: list[str]) -> list[str]:
    """Blank inline code spans; a span may run over the lines of one paragraph."""
    text = "\n".join(lines)
    pieces, start = [], 0
    for paragraph in re.finditer(r"(?:[^\n]*\S[^\n]*(?:\n|$))+", text):
        pieces.append(text[start:paragraph.start()])
        pieces.append(CODE_SPAN.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), paragraph.group()))
        start = paragraph.end()
    pieces.append(text[start:])
    return "".join(pieces).split("\n")
