"""The built site in a real browser (Debian's chromium, driven by Playwright): search per language."""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import threading
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CARD = "normalization/layer-norm/"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run"]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def base_url(real_site):
    handler = functools.partial(_QuietHandler, directory=str(real_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def page(base_url):
    if not CHROMIUM.exists() and not shutil.which("chromium"):
        pytest.fail("Debian's chromium is needed: `make test` installs it (apt-get install chromium fonts-noto-cjk)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        tab = browser.new_page(viewport={"width": 1280, "height": 900})
        tab.outside = []
        tab.on("request", lambda r: tab.outside.append(r.url) if not r.url.startswith((base_url, "data:")) else None)
        yield tab
        browser.close()


def search(page, base_url, path: str, query: str) -> tuple[list[str], list[str]]:
    """(result pages, highlighted words) for a query typed on a page."""
    page.goto(base_url + path)
    box = page.locator(".md-search__input")
    box.click()
    box.fill(query)
    box.press("End")  # typing non-ASCII fires no keyup: this does
    page.wait_for_function("document.querySelector('.md-search-result__meta').innerText.length > 0")
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


def test_notebook_pages_render_offline_without_errors_and_switch_language(page, base_url):
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    # Material's language selector probes <alternate page>/sitemap.xml, which static-i18n's per-page
    # alternates make a 404 on every page of the site (not only here): the one error allowed
    probes: list[str] = []
    page.on("response", lambda r: probes.append(r.url) if r.status == 404 and r.url.endswith("/sitemap.xml") else None)
    page.outside.clear()
    for prefix in ("/", "/zh/"):
        page.goto(f"{base_url}{prefix}training-basics/activations/notebook/")
        page.wait_for_load_state("networkidle")
        assert page.locator(".jp-CodeCell").count() >= 5
        assert page.locator(".jp-OutputArea-output img, .jp-OutputArea-output svg").count() >= 4  # figures
        assert page.locator(".jp-MarkdownCell .katex").count() > 5  # formulas by the vendored KaTeX
        assert page.evaluate("getComputedStyle(document.querySelector('.jp-CodeCell')).display") != "inline"
    with page.expect_navigation():  # the language switcher (a menu: its links are clicked by script)
        page.locator('a[hreflang="vi"]').first.evaluate("a => a.click()")
    page.wait_for_load_state("networkidle")
    assert page.url == f"{base_url}/training-basics/activations/notebook/"
    assert page.outside == []
    assert [e for e in errors if not e.startswith("Failed to load resource")] == []
    assert len([e for e in errors if e.startswith("Failed to load resource")]) == len(probes)
