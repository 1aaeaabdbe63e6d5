"""The query list: real queries, each with the card it must rank first, typed in a real browser."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

QUERIES = yaml.safe_load((Path(__file__).with_name("search_queries.yml")).read_text(encoding="utf-8"))
START = {"vi": "/", "zh": "/zh/"}


def ranked_pages(page, query: str) -> list[str]:
    """The result pages, best first, for ``query`` typed into the open page's search box."""
    box = page.locator(".md-search__input")
    box.fill("")
    box.press("End")
    page.wait_for_function("document.querySelectorAll('.md-search-result__item').length === 0")
    box.fill(query)
    box.press("End")  # typing non-ASCII fires no keyup: this does
    page.wait_for_function("document.querySelector('.md-search-result__meta').innerText.length > 0")
    return page.evaluate("""() => new Promise(resolve => {
        const read = () => [...document.querySelectorAll('.md-search-result__item > .md-search-result__link')]
            .map(a => new URL(a.href).pathname);
        let last = JSON.stringify(read());
        const poll = setInterval(() => {  // settled: the same list twice in a row
            const now = JSON.stringify(read());
            if (now === last) { clearInterval(poll); resolve(read()); }
            last = now;
        }, 150);
    })""")


@pytest.fixture(scope="module")
def search_tabs(new_tab, base_url):
    """One tab per language with the search box open (the index loads once per tab)."""
    tabs = {}
    for lang, path in START.items():
        tab = new_tab()
        tab.goto(base_url + path)
        tab.locator(".md-search__input").click()
        tab.locator(".md-search__input").fill(QUERIES[lang][0][0])  # results appear once the index has loaded
        tab.locator(".md-search__input").press("End")
        tab.wait_for_function("document.querySelectorAll('.md-search-result__item').length > 0")
        tabs[lang] = tab
    return tabs


@pytest.mark.parametrize("lang", sorted(QUERIES))
def test_each_query_ranks_its_card_first(search_tabs, lang):
    prefix = START[lang]
    wrong = []
    for query, card in QUERIES[lang]:
        found = ranked_pages(search_tabs[lang], query)
        if not found or found[0] != f"{prefix}{card}/":
            wrong.append(f"{query!r}: expected {prefix}{card}/ first, got {found[:3]}")
    assert not wrong, f"{len(wrong)} of {len(QUERIES[lang])} {lang} queries:\n" + "\n".join(wrong)
