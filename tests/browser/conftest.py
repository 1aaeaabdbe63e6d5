"""The built site in a real browser: Debian's chromium driven by Playwright (never a downloaded browser).

Fixtures: ``base_url`` (the real site served over HTTP), ``browser`` (one chromium per session),
``page`` (a desktop tab, 1280×900, that records every request leaving the site in ``page.outside``),
``new_tab(width, height, scheme)`` for phone widths and the dark scheme. ``site_pages`` lists every
HTML page the build wrote, in both languages.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def base_url(real_site):
    handler = functools.partial(_QuietHandler, directory=str(real_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists() and not shutil.which("chromium"):
        pytest.fail("Debian's chromium is needed: `make test` installs it (apt-get install chromium fonts-noto-cjk)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def new_tab(browser, base_url):
    """``new_tab(viewport="phone", scheme="dark")``: a fresh tab; ``tab.outside`` lists requests that left
    the site. Closed at the end of the session."""
    opened = []

    def make(viewport: dict | str = "desktop", scheme: str = "light"):
        size = {"desktop": DESKTOP, "phone": PHONE}.get(viewport, viewport) if isinstance(viewport, str) else viewport
        context = browser.new_context(viewport=size, color_scheme=scheme)
        tab = context.new_page()
        tab.outside = []
        tab.on("request", lambda r: tab.outside.append(r.url)
               if not r.url.startswith((base_url, "data:", "blob:")) else None)
        opened.append(context)
        return tab

    yield make
    for context in opened:
        context.close()


@pytest.fixture(scope="module")
def page(new_tab):
    return new_tab()


@pytest.fixture(scope="session")
def site_pages(real_site) -> list[str]:
    """Every page the build wrote, as a URL path (``/``, ``/zh/normalization/layer-norm/``, ``/404.html``)."""
    paths = []
    for html_file in sorted(real_site.rglob("*.html")):
        relative = html_file.relative_to(real_site).as_posix()
        paths.append("/" + (relative.removesuffix("index.html") if relative.endswith("index.html") else relative))
    return paths
