"""Search in a real browser: each language searches its own pages, with word segmentation and folding."""

from __future__ import annotations

import re

CARD = "normalization/layer-norm/"


def search(page, base_url, path: str, query: str) -> tuple[list[str], list[str]]:
    """(result pages, highlighted words) for a query typed on a page."""
    page.goto(base_url + path)
    box = page.locator(".md-search__input")
    box.click()
    box.fill(query)
    box.press("End")  # typing non-ASCII fires no keyup: this does
    # the count of results ("13 tài liệu liên quan"), or "none": not the text shown while the index loads
    page.wait_for_function("/\\d|Không|没有/.test(document.querySelector('.md-search-result__meta').innerText)")
    page.wait_for_timeout(300)
    _show_every_result(page)
    links = sorted({a.get_attribute("href").split("?")[0].split("#")[0].replace(base_url, "")
                    for a in page.locator(".md-search-result__link").all()})
    return links, page.locator(".md-search-result mark").all_inner_texts()


def _show_every_result(page) -> None:
    """Material renders results ten at a time as the list scrolls: scroll to the end of the list until it
    holds as many results as its header announces ("13 tài liệu liên quan")."""
    meta = page.locator(".md-search-result__meta").inner_text()
    announced = int(match.group()) if (match := re.search(r"\d+", meta)) else 1
    items = page.locator(".md-search-result__item")
    for _ in range(100):  # a bounded wait: the assertions below say what is missing
        if items.count() >= announced:
            return
        page.evaluate("(el => el.scrollTop = el.scrollHeight)(document.querySelector('.md-search__scrollwrap'))")
        items.last.scroll_into_view_if_needed()
        page.wait_for_timeout(100)


def test_vietnamese_page_searches_only_vietnamese_pages(page, base_url):
    links, marks = search(page, base_url, "/" + CARD, "chuẩn hóa")
    assert "/" + CARD in links and not any(link.startswith("/zh/") for link in links)
    assert "chuẩn" in [m.lower() for m in marks]
    chinese_query, _ = search(page, base_url, "/" + CARD, "归一化")
    assert chinese_query == ["/glossary/"]  # only the Vietnamese glossary, which lists Chinese terms


def test_vietnamese_without_diacritics_finds_the_same_pages_and_highlights_the_real_words(page, base_url):
    for with_marks, without in (("chuẩn hóa", "chuan hoa"), ("phương sai", "phuong sai"), ("độ lệch", "do lech")):
        expected, _ = search(page, base_url, "/" + CARD, with_marks)
        found, marks = search(page, base_url, "/" + CARD, without)
        # folding is many-to-one ("do" is also "đó"), so the folded query may find more, never less
        assert expected and set(expected) <= set(found), without
        assert set(with_marks.split()) & {m.lower() for m in marks}, without


def test_chinese_page_searches_only_chinese_pages_with_word_segmentation(page, base_url):
    links, marks = search(page, base_url, "/zh/" + CARD, "归一化")
    assert "/zh/" + CARD in links and all(link.startswith("/zh/") for link in links)
    assert "归一化" in marks
    assert "/zh/glossary/" in search(page, base_url, "/zh/" + CARD, "小批量")[0]  # a jieba word
    assert search(page, base_url, "/zh/" + CARD, "chuẩn hóa")[0] == ["/zh/glossary/"]  # lists Vietnamese terms


def test_pages_load_nothing_from_outside(page, base_url):
    for path in ("/", "/zh/glossary/", "/" + CARD, "/zh/" + CARD):
        page.goto(base_url + path)
        page.wait_for_load_state("networkidle")
    assert page.outside == []
    assert page.locator(".katex").count() > 10  # formulas rendered by the vendored KaTeX


def test_the_textbooks_words_find_the_cards(page, base_url):
    """A reader of d2l-zh types 批量规范化 / 移动平均; jieba keeps them whole, so the card is found."""
    for query, card in (("批量规范化", "normalization/batch-norm/"), ("移动平均", "normalization/batch-norm/"),
                        ("层规范化", "normalization/layer-norm/")):
        links, _ = search(page, base_url, "/zh/" + CARD, query)
        assert "/zh/" + card in links, query
    links, _ = search(page, base_url, "/" + CARD, "thong ke chay")  # vi alias, typed without diacritics
    assert "/normalization/batch-norm/" in links


def test_result_previews_read_as_text_and_tags_in_the_pages_language(page, base_url):
    """Formulas in previews as their plain text (never raw LaTeX); tags as the page's language labels."""
    for path, query, tag in (("/" + CARD, "phương sai", "Chuẩn hóa"), ("/zh/" + CARD, "方差", "归一化")):
        search(page, base_url, path, query)
        previews = " ".join(page.locator(".md-search-result__article").all_inner_texts())
        assert previews and "\\(" not in previews and "\\frac" not in previews and "\\sigma" not in previews
        assert "σ" in previews  # the formulas are there, as text
        tags = page.locator(".md-search-result .md-tag").all_inner_texts()
        assert tag in tags and "normalization" not in tags
