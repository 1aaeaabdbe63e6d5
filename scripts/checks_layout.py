"""Code on a page keeps to what a reader sees whole: 88 columns, as ``snippets/ruff.toml`` asks of
snippets. At 1280 px the text column shows 88 columns of code; a wider line scrolls sideways.
A Chinese character (or any wide one) counts as two columns."""

from __future__ import annotations

import re
import unicodedata

from scripts.collect import Page
from scripts.problems import Problem

CODE_COLUMNS = 88
FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,})")


def display_width(text: str) -> int:
    """Columns ``text`` takes in a monospace font: wide and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def check_code_width(page: Page) -> list[Problem]:
    """Every line of a fenced code block wider than ``CODE_COLUMNS``, at its line."""
    problems, fence, indent = [], "", 0
    for offset, line in enumerate(page.body.split("\n")):
        opening = FENCE.match(line)
        if opening and (not fence or opening["fence"].startswith(fence)):
            fence, indent = ("", 0) if fence else (opening["fence"], len(opening["indent"]))
            continue
        if not fence or len(line) - indent <= CODE_COLUMNS // 2:  # a character takes at most two columns
            continue
        width = display_width(line[indent:].rstrip())
        if width > CODE_COLUMNS:
            problems.append(Problem(page.path, page.body_line + offset,
                                    f"a code line {width} columns wide (at most {CODE_COLUMNS}: at 1280 px a "
                                    "wider line scrolls sideways); break it, or put its comment on the line above"))
    return problems
