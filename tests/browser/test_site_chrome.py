"""Every page in a real browser: a clean console, nothing failing to load, the theme in the page's
language (404 pages, titles, toggle), previous/next links, code that fits at desktop width.
Each page is visited once for every test here (the ``crawl`` fixture, tests/conftest.py)."""

from __future__ import annotations

import re

import pytest

CARD_PAGE = re.compile(r"^/(zh/)?[a-z-]+/[a-z-]+/$")  # /<topic>/<card>/, /zh/<topic>/<card>/
NOT_FOUND = {"vi": ("/404.html", "/"), "zh": ("/zh/404.html", "/zh/")}


def card_pages(site_pages: list[str]) -> list[str]:
    return [path for path in site_pages if CARD_PAGE.match(path)]


def language_of(path: str) -> str:
    return "zh" if path.startswith("/zh/") else "vi"


def test_every_page_loads_without_console_errors_or_failed_requests(crawl, site_pages):
    assert len(site_pages) > 40
    found = [f"{path}: {problem}" for path in site_pages for problem in crawl[path]["problems"]]
    assert found == [], "\n".join(found)
    assert crawl["outside"] == []


def test_titles_name_the_site_once(crawl, site_pages):
    names = {"vi": "Thẻ khái niệm Học sâu", "zh": "深度学习概念卡片"}
    doubled = [f"{path}: {crawl[path]['title']!r}" for path in site_pages
               if crawl[path]["title"].count(names[language_of(path)]) != 1]
    assert doubled == []


def test_cards_link_to_the_previous_and_next_card_in_their_language(crawl, site_pages):
    cards = card_pages(site_pages)
    assert len(cards) >= 20
    for path in cards:
        targets = crawl[path]["footer"]
        assert targets, f"{path}: no previous/next link"
        assert all(language_of(target) == language_of(path) for target in targets), (path, targets)
        assert all(target in site_pages for target in targets), (path, targets)


def test_code_blocks_fit_at_desktop_width(crawl, site_pages):
    """At 1280 px no code block of any page scrolls sideways (snippets keep to 88 columns)."""
    wide = [f"{path}: {block}" for path in site_pages for block in crawl[path]["wideCode"]]
    assert wide == [], "\n".join(wide)


@pytest.mark.parametrize("lang", ["vi", "zh"])
def test_each_language_has_its_own_404_page(page, base_url, lang):
    path, home = NOT_FOUND[lang]
    page.goto(base_url + path)
    assert page.locator("html").get_attribute("lang") == lang
    heading = page.locator("article h1").inner_text()
    assert heading.startswith("404") and ("Không tìm thấy" in heading if lang == "vi" else "找不到" in heading)
    link = page.locator("article a").last
    assert link.get_attribute("href") == home
    assert page.locator(".md-search__input").get_attribute("placeholder") == ("Tìm kiếm" if lang == "vi" else "搜索")


@pytest.mark.parametrize(("lang", "label"), [("vi", "Chuyển sang chế độ tối"), ("zh", "切换到深色模式")])
def test_dark_mode_toggle_in_the_pages_language(new_tab, base_url, lang, label):
    tab = new_tab()
    tab.goto(f"{base_url}{NOT_FOUND[lang][1]}normalization/layer-norm/")
    assert tab.locator("body").get_attribute("data-md-color-scheme") == "default"
    toggle = tab.locator(f'label[title="{label}"]')
    toggle.click()
    assert tab.locator("body").get_attribute("data-md-color-scheme") == "slate"
    dark = new_tab(scheme="dark")  # a reader whose system is dark gets the dark scheme at once
    dark.goto(f"{base_url}{NOT_FOUND[lang][1]}")
    assert dark.locator("body").get_attribute("data-md-color-scheme") == "slate"
