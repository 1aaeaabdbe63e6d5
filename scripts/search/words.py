"""The jieba user dictionary generated from the glossary.

Material's search plugin cuts Chinese text into words with jieba when it builds the index, and the
browser cuts a query into words the index knows. A glossary term jieba splits (批量规范化 →
批量 / 规范化) is then found only through its pieces, which other terms share (均方根 holds 均).
Every Chinese name and alias of every term goes into a user dictionary, which jieba loads before
MkDocs builds the pages.
"""

from __future__ import annotations

import re
from pathlib import Path

from scripts.data import SiteData

WORD = re.compile(r"[\w\-]+")
HAN = re.compile(r"[\u3400-\u9fff]")  # CJK ideographs
SEGMENTED_LANGUAGES = ("zh",)  # written without spaces: jieba cuts them into words


def dictionary_words(data: SiteData) -> list[str]:
    """Every Chinese name and alias of the glossary's terms, sorted (one per line in the file)."""
    names = {name for term in data.glossary for lang in SEGMENTED_LANGUAGES for name in term.all_names(lang)}
    return sorted(name for name in names if WORD.fullmatch(name))  # one word per line: no spaces, no brackets


def write_dictionary(data: SiteData, path: Path) -> Path:
    """Write the user dictionary (jieba's format: one word per line; jieba picks the frequency that
    keeps the word whole) when its content changed; return its path."""
    text = "".join(f"{word}\n" for word in dictionary_words(data))
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path


def load_dictionary(path: Path) -> int:
    """Teach jieba the dictionary's words; return how many (0 when jieba is not installed)."""
    try:
        import jieba
    except ImportError:
        return 0
    jieba.load_userdict(str(path))  # a line without a frequency: jieba gives the word one that keeps it whole
    return len(path.read_text(encoding="utf-8").splitlines())


def pieces(name: str) -> list[str]:
    """``批量规范化`` → ``批量``, ``规范``, ``规范化``, ``批量规范化``: the word and the shorter words jieba
    finds inside it. Material's worker cuts a Chinese query into words the index knows, never taking
    the query whole (批量规范化 → 批量* 规范*), so a card found by a term needs the term's pieces too."""
    if not HAN.search(name):
        return [name]
    import jieba

    return list(dict.fromkeys([*jieba.cut_for_search(name), name]))
