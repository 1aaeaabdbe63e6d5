"""Post-build stage: one search index per language.

mkdocs-static-i18n merges every language into ``search/search_index.json`` (upstream #31), so a
Chinese query on a Vietnamese page would return Chinese pages. This stage writes
``search/search_index.<lang>.json`` with only that language's pages and its own lunr language;
``assets/javascripts/search-language.js`` makes each page load the index of its ``<html lang>``.
The merged file stays as it is, for browsers without scripts.
"""

from __future__ import annotations

import json
from pathlib import Path

from scripts.config import Project
from scripts.data import SiteData

SEGMENTED_LANGUAGES = ("zh",)  # written without spaces: Material segments them with jieba


def language_of(location: str, project: Project) -> str:
    """``zh/normalization/layer-norm/#_1`` is Chinese; a location without a prefix is the default language."""
    first = location.split("/", 1)[0]
    return first if first in project.languages and first != project.default_language else project.default_language


def split(site_dir: Path, project: Project) -> dict[str, int]:
    """Write one index per language next to the merged one; return how many entries each got."""
    merged_file = site_dir / "search" / "search_index.json"
    if not merged_file.is_file():
        return {}
    merged = json.loads(merged_file.read_text(encoding="utf-8"))
    counts = {}
    for lang in project.languages:
        docs = [doc for doc in merged["docs"] if language_of(doc["location"], project) == lang]
        index = {"config": {**merged["config"], "lang": [lang]}, "docs": docs}
        target = merged_file.with_name(f"search_index.{lang}.json")
        target.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        counts[lang] = len(docs)
    return counts


def teach_jieba(data: SiteData) -> int:
    """Make jieba keep each glossary term and alias whole (批量规范化, not 批量 / 规范化): Material's
    search prefix-matches a query against the words jieba cut, so a term it splits cannot be found.
    Returns how many words it learnt."""
    try:
        import jieba
    except ImportError:
        return 0
    words = {name for term in data.glossary for lang in SEGMENTED_LANGUAGES for name in term.all_names(lang)}
    for word in sorted(words):
        jieba.add_word(word)
    return len(words)
