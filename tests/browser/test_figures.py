"""Figures in a real browser: text as large as the body text at 1280 px, a lightbox that opens the
figure's own file (no second copy in the page), and a light background in the dark scheme.

Each figure's ``<img>`` carries ``data-width-pt`` (the SVG's width) and ``data-text-pt`` (its smallest
font size, recorded when the build saved it): the smallest text shows at
``data-text-pt × img.clientWidth / data-width-pt`` px (read in the ``crawl`` of every page, conftest.py).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CARD_PAGE = re.compile(r"^/(zh/)?[a-z-]+/[a-z0-9-]+/$")
LIGHTBOX_CARD = "normalization/layer-norm"

# the lightbox's image loaded and its opening animation over
OPENED = """() => {
  const slide = document.querySelector(".gslide.current");
  return slide.querySelector("img").complete && slide.getAnimations({subtree: true}).length === 0;
}"""


def card_pages(site_pages: list[str]) -> list[str]:
    """``/<topic>/<card>/`` and ``/zh/<topic>/<card>/`` (not the notebook pages)."""
    return [path for path in site_pages if CARD_PAGE.match(path)]


def figure_directives() -> int:
    """How many figures the cards ask for, in both languages."""
    return sum(text.count("{{ figure:") for text in
               (path.read_text(encoding="utf-8") for path in (REPO / "docs").rglob("*.md")))


def test_figure_text_is_at_least_as_large_as_the_body_text_at_1280_px(crawl, site_pages):
    seen, too_small = 0, []
    for path in card_pages(site_pages):
        for figure in crawl[path]["figures"]:
            seen += 1
            assert figure["loaded"], f"{path}: {figure['src']} did not load"
            body = crawl[path]["bodyTextPx"]
            if figure["textPx"] < body:
                too_small.append(f"{path} {figure['src']}: {figure['textPx']:.1f} px < {body:.1f} px")
    assert seen == figure_directives() > 0
    assert too_small == []


@pytest.mark.parametrize("prefix", ["", "zh/"])
def test_a_click_opens_the_figure_larger_in_a_lightbox_and_escape_closes_it(page, base_url, prefix):
    page.goto(f"{base_url}/{prefix}{LIGHTBOX_CARD}/")
    page.wait_for_load_state("networkidle")
    page.outside.clear()
    figure = page.locator("figure.card-figure img").first
    figure.scroll_into_view_if_needed()
    in_page = figure.bounding_box()
    assert page.locator("figure.card-figure a.glightbox").first.get_attribute("href") == figure.get_attribute("src")
    figure.click()
    shown = page.locator(".glightbox-container .gslide.current img")
    shown.wait_for(state="visible")
    page.wait_for_function(OPENED)
    box = shown.bounding_box()
    assert shown.get_attribute("src").endswith(figure.get_attribute("src").rsplit("/", 1)[-1])
    assert box["width"] > in_page["width"] * 1.2 and box["height"] > in_page["height"] * 1.2
    page.keyboard.press("Escape")
    page.locator(".glightbox-container").wait_for(state="detached")
    assert page.outside == []


def test_figures_keep_a_light_opaque_background_in_the_dark_scheme(new_tab, base_url, site_pages):
    tab = new_tab(scheme="dark")
    checked = 0
    for path in [p for p in card_pages(site_pages) if p.startswith("/zh/")][:3] + card_pages(site_pages)[:3]:
        tab.goto(base_url + path)
        tab.wait_for_load_state("networkidle")
        assert tab.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"
        images = tab.locator("figure.card-figure img")
        for index in range(images.count()):
            corners = [corner_colour(tab, images.nth(index), right, bottom) for right in (0, 1) for bottom in (0, 1)]
            assert all(min(colour) >= 240 for colour in corners), f"{path}: figure {index + 1}: {corners}"
            checked += 1
    assert checked > 0
    assert tab.outside == []


def corner_colour(tab, image, right: int, bottom: int) -> tuple:
    """The colour the screen shows just inside one corner of ``image``, scrolled to mid-screen
    (clear of the sticky header)."""
    from PIL import Image

    image.evaluate(f"img => window.scrollTo(0, img.getBoundingClientRect().top + window.scrollY"
                   f" + {bottom} * img.getBoundingClientRect().height - innerHeight / 2)")
    box = image.bounding_box()
    x = box["x"] + (box["width"] - 4 if right else 2)
    y = box["y"] + (box["height"] - 4 if bottom else 2)
    shot = tab.screenshot(clip={"x": x, "y": y, "width": 2, "height": 2})
    return Image.open(io.BytesIO(shot)).convert("RGB").getpixel((0, 0))
