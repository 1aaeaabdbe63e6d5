"""The theme's own words and files in each page's language, where Material + static-i18n leave gaps.

- ``localize``: the toc extension's "Permanent link" titles (one Markdown setting for every
  language) in the page's language; the ``<link rel="alternate">`` tags dropped from ``<head>``:
  Material's bundle fetches ``<alternate>/sitemap.xml`` for each, and static-i18n's alternates are
  pages, so each fetch was a 404 on every page. The language alternates stay in ``sitemap.xml``
  and in the language selector.
- ``write_sitemap``: ``sitemap.xml`` (and ``.gz``) from the pages the build wrote, notebook pages
  included, each at ``site_url`` + its path with its other-language alternates; no dates, so two
  builds give the same file. (static-i18n's template lists only Markdown pages and writes the home
  page as ``<site_url>./``.)
- ``NotFoundPages``: one 404 page per language (static-i18n builds each language into the same
  ``site/404.html``; the last one built would win). ``overrides/404.html`` holds the page.
"""

from __future__ import annotations

import gzip
import html
import re
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from scripts.i18n import MESSAGES, message

TOC_PERMALINK_TITLE = 'title="Permanent link"'
HEAD_ALTERNATE = re.compile(r'[ \t]*<link rel="alternate" href="[^"]*" hreflang="[^"]*">\n?')
NOT_FOUND = "404.html"


def localize(output: str, lang: str) -> str:
    """A rendered page with the theme's English left-overs in ``lang`` and no head alternates."""
    head_end = output.find("</head>")
    head, body = output[:head_end], output[head_end:]
    permalink = f'title="{html.escape(message(lang, "permalink"))}"'
    return HEAD_ALTERNATE.sub("", head) + body.replace(TOC_PERMALINK_TITLE, permalink)


def template_strings(lang: str) -> dict[str, str]:
    """The build's messages in ``lang``, for the theme templates (``dlcards.not_found_title``...)."""
    return MESSAGES[lang]


class NotFoundPages:
    """Keeps each language's 404 page as its build writes it, and puts each in its language's folder."""

    def __init__(self):
        self.pages: dict[str, str] = {}

    def keep(self, lang: str, page: str) -> None:
        """``lang``'s 404 page as its build renders it."""
        self.pages[lang] = page

    def place(self, site_dir: Path, default_language: str) -> None:
        """``site/404.html`` in the default language, ``site/<lang>/404.html`` for the others."""
        for lang, text in self.pages.items():
            folder = site_dir if lang == default_language else site_dir / lang
            folder.mkdir(parents=True, exist_ok=True)
            (folder / NOT_FOUND).write_text(text, encoding="utf-8")


def site_paths(site_dir: Path) -> list[str]:
    """Every page's URL path relative to the site root (``""``, ``zh/normalization/layer-norm/``)."""
    folders = (page.parent.relative_to(site_dir).as_posix() for page in site_dir.rglob("index.html"))
    return sorted("" if folder == "." else f"{folder}/" for folder in folders
                  if folder == "." or not folder.startswith("."))  # not a hidden folder (.site-... of a build)


def write_sitemap(site_dir: Path, site_url: str, languages: tuple[str, ...], default_language: str) -> int:
    """Write ``sitemap.xml`` and ``sitemap.xml.gz``; return how many pages they list."""
    paths = site_paths(site_dir)
    base = site_url.rstrip("/") + "/"
    entries = [_sitemap_entry(path, set(paths), base, languages, default_language) for path in paths]
    xml = ('<?xml version="1.0" encoding="UTF-8"?>\n'
           '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
           + "".join(entries) + "</urlset>\n")
    (site_dir / "sitemap.xml").write_text(xml, encoding="utf-8")
    (site_dir / "sitemap.xml.gz").write_bytes(gzip.compress(xml.encode("utf-8"), mtime=0))
    return len(entries)


def _sitemap_entry(path: str, paths: set[str], base: str, languages: tuple[str, ...], default: str) -> str:
    lang, rest = _split_language(path, languages, default)
    versions = {other: (rest if other == default else f"{other}/{rest}") for other in languages}
    links = "".join(f'    <xhtml:link rel="alternate" hreflang="{other}" href="{xml_escape(base + target)}"/>\n'
                    for other, target in versions.items() if target in paths)
    return f"  <url>\n    <loc>{xml_escape(base + path)}</loc>\n{links}  </url>\n"


def _split_language(path: str, languages: tuple[str, ...], default: str) -> tuple[str, str]:
    """``zh/normalization/`` → (``zh``, ``normalization/``); a path without a prefix is the default language."""
    first, _, rest = path.partition("/")
    return (first, rest) if first in languages and first != default else (default, path)
