"""Shared test helpers: import a snippet like a module, and build a tiny site in tmp_path."""

from __future__ import annotations

import functools
import http.server
import importlib.util
import os
import re
import shutil
import sys
import textwrap
import threading
import time
import warnings
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SNIPPETS = REPO / "snippets"


def load_snippet(relative: str):
    """Import ``snippets/<relative>`` as a module (not as __main__), with its folder on sys.path.

    Like the build (scripts/engine/child.py), it uses one compute thread, so that the numbers a test
    checks are the very numbers the cards show (float sums depend on the thread count)."""
    import torch

    torch.set_num_threads(1)
    path = SNIPPETS / relative
    folder = str(path.parent)
    if folder not in sys.path:
        sys.path.insert(0, folder)
    name = "snippet_" + relative.removesuffix(".py").replace("/", "_")
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def snippet_fixture(relative: str, warnings_are_errors: bool = False):
    """A module-scoped fixture: ``snippets/<relative>`` loaded once for the test file that names it,
    e.g. ``paths = snippet_fixture("training-basics/mbgd_paths.py")``. With ``warnings_are_errors``,
    any warning while it runs fails the test (a warning would also show in the build log)."""

    @pytest.fixture(scope="module")
    def loaded():
        with warnings.catch_warnings():
            if warnings_are_errors:
                warnings.simplefilter("error")
            return load_snippet(relative)

    return loaded


def write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


TINY_MKDOCS = f"""
site_name: Tiny
strict: true
theme:
  name: material
  font: false
plugins:
  - search
  - i18n:
      docs_structure: suffix
      languages:
        - locale: vi
          name: Tiếng Việt
          default: true
          build: true
        - locale: zh
          name: 中文
          build: true
hooks:
  - {REPO / "scripts" / "mkdocs_hooks.py"}
markdown_extensions:  # the real site's extensions that read syntax in text
  - abbr
  - admonition
  - attr_list
  - tables
  - md_in_html
  - pymdownx.superfences
  - pymdownx.arithmatex:
      generic: true
"""

DEMO_SNIPPET = """
import helper

# %% compute
values = [helper.square(i) for i in range(1, 5)]
print("squares:", values)

VALUES = {"total": sum(values), "ratio": 2 / 3}
TABLES = {"squares": {"columns": ["i", "square"], "rows": [[i, v] for i, v in enumerate(values, 1)]}}
"""

HEADINGS = {
    "vi": ["Định nghĩa", "Khi nào dùng", "Cơ chế bên trong", "Cú pháp", "Ví dụ mã", "Lỗi thường gặp",
           "So sánh", "Kinh nghiệm thực tế", "Câu hỏi phỏng vấn", "Tóm tắt nhanh"],
    "zh": ["定义", "使用场景", "内部原理", "语法与结构", "代码示例", "常见误区", "对比", "实践经验", "面试题",
           "要点速览"],
}
BODY = {
    "vi": """
Tổng là {{ value: topic/demo.py#total }} và tỉ lệ {{ value: topic/demo.py#ratio:.3f }}.

{{ code: topic/demo.py#compute }}

{{ output: topic/demo.py }}

{{ table: topic/demo.py#squares | Số | Bình phương {:.1f} }}
""",
    "zh": """
总和是 {{ value: topic/demo.py#total }}，比例为 {{ value: topic/demo.py#ratio:.3f }}。

{{ code: topic/demo.py#compute }}

{{ output: topic/demo.py }}

{{ table: topic/demo.py#squares | 数 | 平方 {:.1f} }}
""",
}
TITLES = {"vi": ("Thẻ thử", "Một thẻ nhỏ để thử"), "zh": ("测试卡片", "用于测试的小卡片")}


def card_text(lang: str, body: str | None = None) -> str:
    """A card that passes every check: front matter, title, the ten sections, the body in 'code'."""
    title, description = TITLES[lang]
    parts = [f"---\ntitle: {title}\ndescription: {description}\ntags: [fundamentals]\n---\n\n# {title}\n"]
    for index, heading in enumerate(HEADINGS[lang]):
        parts.append(f"\n## {heading}\n")
        parts.append((BODY[lang] if body is None else body) if index == 4 else "\nText.\n")
    return "".join(parts)


def set_card_body(root: Path, body: str) -> None:
    """Give both languages of the tiny card the same body in 'code examples' (parity holds)."""
    for lang in HEADINGS:
        (root / f"docs/topic/card.{lang}.md").write_text(card_text(lang, body), encoding="utf-8")


def card_html(root: Path, lang: str, site: str = "site") -> str:
    """The built card's article, in one language."""
    prefix = "" if lang == "vi" else f"{lang}/"
    page = (root / site / prefix / "topic/card/index.html").read_text(encoding="utf-8")
    return page[page.index("<article"): page.index("</article>")]


@pytest.fixture
def tiny_site(tmp_path: Path) -> Path:
    """A two-language site with one card and one snippet that imports a local helper."""
    return make_tiny_site(tmp_path)


def make_tiny_site(tmp_path: Path) -> Path:
    write(tmp_path, "mkdocs.yml", TINY_MKDOCS)
    write(tmp_path, "docs/index.vi.md", "# Trang chủ\n")
    write(tmp_path, "docs/index.zh.md", "# 首页\n")
    shutil.copytree(REPO / "data", tmp_path / "data")
    write(tmp_path, "data/topics.yml", "topic:\n  vi: Chủ đề thử\n  zh: 测试主题\n")
    glossary = tmp_path / "data/glossary.yml"  # its `card:` links name the real cards, not in this site
    glossary.write_text(re.sub(r"(?m)^  card: .*\n", "", glossary.read_text(encoding="utf-8")), encoding="utf-8")
    for lang in HEADINGS:
        (tmp_path / "docs/topic").mkdir(parents=True, exist_ok=True)
        (tmp_path / f"docs/topic/card.{lang}.md").write_text(card_text(lang), encoding="utf-8")
    write(tmp_path, "snippets/topic/helper.py", "def square(x):\n    return x * x\n")
    write(tmp_path, "snippets/topic/demo.py", DEMO_SNIPPET)
    return tmp_path


@pytest.fixture(scope="session")
def real_site(tmp_path_factory) -> Path:
    """The real site, built once per test session (strict: every check and reference must pass).
    ``DLCARDS_TEST_SITE=<folder>`` uses a site already built there instead (for a quick rerun of the
    browser tests while working on the theme)."""
    from scripts import build

    if os.environ.get("DLCARDS_TEST_SITE"):
        return Path(os.environ["DLCARDS_TEST_SITE"])
    out = tmp_path_factory.mktemp("site")
    assert build.main(["build", "--root", str(REPO), "--site-dir", str(out)]) == 0
    return out



# --- the built site in a real browser (tests/browser/): Debian's chromium driven by Playwright ---
# ``base_url`` (the real site served over HTTP), ``browser`` (one chromium per session), ``page`` (a
# desktop tab, 1280×900, that records every request leaving the site in ``page.outside``),
# ``new_tab(viewport="phone", scheme="dark")``, ``site_pages`` (every HTML page the build wrote).
# They live here, not in tests/browser/conftest.py: two conftest modules would clash on
# ``from conftest import ...``.

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


AXE = REPO / "tests" / "browser" / "vendor" / "axe-core" / "axe.min.js"  # see its README
FORMULAS_RENDERED = "[...document.querySelectorAll('.arithmatex')].every(math => math.querySelector('.katex'))"
READ_PAGE = """() => ({
    title: document.title,
    footer: [...document.querySelectorAll('a.md-footer__link')].map(a => new URL(a.href).pathname),
    wideCode: [...document.querySelectorAll('article pre > code')]
        .filter(code => code.scrollWidth > code.clientWidth + 1)
        .map(code => `${code.scrollWidth}px > ${code.clientWidth}px: ` + code.innerText.split('\\n')
            .reduce((a, b) => (b.length > a.length ? b : a), '').slice(0, 60)),
    bodyTextPx: parseFloat(getComputedStyle(
        document.querySelector('article.md-typeset > p') || document.body).fontSize),
    figures: [...document.querySelectorAll('figure.card-figure img')].map(img => ({
        src: img.getAttribute('src'),
        loaded: img.complete && img.naturalWidth > 0,
        textPx: parseFloat(img.dataset.textPt) * img.clientWidth / parseFloat(img.dataset.widthPt),
    })),
    skipLinkLands: (skip => !skip || document.getElementById(decodeURIComponent(skip.hash.slice(1))) !== null)(
        document.querySelector('a.md-skip')),
})"""


def axe_violations(tab, options: dict | None = None) -> list[dict]:
    """axe-core's violations on the tab's page (all rules unless ``options`` say otherwise)."""
    tab.add_script_tag(path=str(AXE))
    options = options or {"resultTypes": ["violations"]}
    return tab.evaluate("options => axe.run(document, options)", options)["violations"]


@pytest.fixture(scope="session")
def crawl(new_tab, base_url, site_pages) -> dict[str, dict]:
    """Every page visited once, at desktop width in the light scheme: what it logged or failed to load
    (``problems``), what it shows (``READ_PAGE``), and axe-core's violations with all its rules
    (``axe``, injected after the page was read; the site never loads it). ``crawl["outside"]`` lists
    requests that left the site."""
    tab = new_tab()
    problems: list[str] = []
    tab.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning")
           else None)
    tab.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    tab.on("response", lambda r: problems.append(f"HTTP {r.status} {r.url}") if r.status >= 400 else None)
    tab.on("requestfailed", lambda r: problems.append(f"failed {r.url}"))
    pages = {}
    for path in site_pages:
        problems.clear()
        tab.goto(base_url + path)
        tab.wait_for_load_state("networkidle")
        tab.wait_for_function(FORMULAS_RENDERED)
        pages[path] = {**tab.evaluate(READ_PAGE), "problems": list(problems)}
        pages[path]["axe"] = axe_violations(tab)
    pages["outside"] = tab.outside
    return pages


SESSION_START = time.time()


def pytest_terminal_summary(terminalreporter):
    """Where the browser tests left their screenshots (tests/browser/test_screenshots.py), when this
    run took them."""
    folder = Path(os.environ.get("DLCARDS_SCREENSHOTS", REPO / ".cache" / "screenshots"))
    if folder.is_dir() and any(shot.stat().st_mtime >= SESSION_START for shot in folder.glob("*.png")):
        terminalreporter.write_line(f"screenshots of every card (desktop, phone, dark): {folder}")
