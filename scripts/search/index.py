"""One search index per language, with the card names, readable previews and localized tags.

mkdocs-static-i18n merges every language into ``search/search_index.json`` (upstream #31), so a
Chinese query on a Vietnamese page would return Chinese pages. ``write_language_indexes`` writes
``search/search_index.<lang>.json`` with only that language's pages and its own lunr language;
``assets/javascripts/search-language.js`` makes each page load the index of its ``<html lang>``.
The merged file stays as it is, for browsers without scripts.

Ranking: Material's search worker indexes every field of ``config.fields`` with its boost. Each
card's page entry gets a ``keywords`` field (``keywords.card_keywords``), weighted above titles,
so that a term's card ranks first for any of the term's names; tags, which every card of a topic
shares, weigh less than a title, so a topic word does not outrank the card named by the query.
"""

from __future__ import annotations

import json
from pathlib import Path

from scripts.collect import Page
from scripts.config import Project
from scripts.data import SiteData
from scripts.search.keywords import card_keywords
from scripts.search.previews import localized_tags, plain_math

FIELD_BOOSTS = {"title": 1e3, "text": 1.0, "tags": 1e2, "keywords": 1e4}


def language_of(location: str, project: Project) -> str:
    """``zh/normalization/layer-norm/#_1`` is Chinese; a location without a prefix is the default language."""
    first = location.split("/", 1)[0]
    return first if first in project.languages and first != project.default_language else project.default_language


def page_location(page: Page, project: Project) -> str:
    """Where Material's index puts a page's own entry: ``zh/normalization/layer-norm/``."""
    prefix = "" if page.lang == project.default_language else f"{page.lang}/"
    return f"{prefix}{page.topic}/{page.slug}/" if page.topic else prefix


def write_language_indexes(site_dir: Path, project: Project, pages: list[Page],
                           data: SiteData | None) -> dict[str, int]:
    """Write one index per language next to the merged one; return how many entries each got."""
    merged_file = site_dir / "search" / "search_index.json"
    if not merged_file.is_file():
        return {}
    merged = json.loads(merged_file.read_text(encoding="utf-8"))
    keywords = _keywords_by_location(pages, data, project) if data is not None else {}
    counts = {}
    for lang in project.languages:
        docs = [_readable(doc, lang, data, keywords) for doc in merged["docs"]
                if language_of(doc["location"], project) == lang]
        fields = {name: {"boost": boost} for name, boost in FIELD_BOOSTS.items()}
        index = {"config": {**merged["config"], "lang": [lang], "fields": fields}, "docs": docs}
        target = merged_file.with_name(f"search_index.{lang}.json")
        target.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        counts[lang] = len(docs)
    return counts


def _keywords_by_location(pages: list[Page], data: SiteData, project: Project) -> dict[str, str]:
    return {page_location(page, project): " ".join(card_keywords(page, data)) for page in pages if page.is_card}


def _readable(doc: dict, lang: str, data: SiteData | None, keywords: dict[str, str]) -> dict:
    """An index entry with plain-text formulas, tags in ``lang`` and, for a card, its keywords."""
    doc = {**doc, "title": plain_math(doc["title"]), "text": plain_math(doc["text"])}
    if "tags" in doc and data is not None:
        doc["tags"] = localized_tags(doc["tags"], lang, data.tags)
    if doc["location"] in keywords:
        doc["keywords"] = keywords[doc["location"]]
    return doc
