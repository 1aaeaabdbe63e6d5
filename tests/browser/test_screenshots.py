"""Screenshots of every card, both languages: desktop, phone and dark scheme (the top of the page and
its first figure), saved
under ``.cache/screenshots/`` (``make test`` prints the folder) for a person to look at. The test
checks only that each was written and shows a page, not a blank."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FOLDER = Path(os.environ.get("DLCARDS_SCREENSHOTS", REPO / ".cache" / "screenshots"))
CARDS = ["normalization/batch-norm", "normalization/batch-norm-practice", "normalization/bn-vs-ln",
         "normalization/group-rms-norm", "normalization/layer-norm", "training-basics/activations",
         "training-basics/bias-variance", "training-basics/minibatch-gd", "training-basics/vanishing-exploding",
         "training-basics/vectorization"]


DESKTOP, PHONE = {"width": 1280, "height": 900}, {"width": 390, "height": 844}


def shoot(tab, path: Path, at_first_figure: bool = False) -> Path | None:
    """The page as it shows now: at its top, or at its first figure (None when it has none)."""
    figures = tab.locator("figure.card-figure")
    if at_first_figure and not figures.count():
        return None
    if at_first_figure:
        figures.first.scroll_into_view_if_needed()
    else:
        tab.evaluate("window.scrollTo(0, 0)")
    tab.screenshot(path=str(path), animations="disabled")
    return path


def toggle_scheme(tab) -> None:
    """Click the header's light/dark toggle (the visible one of its two labels)."""
    scheme = tab.locator("body").get_attribute("data-md-color-scheme")
    tab.locator("form[data-md-component=palette] label:not([hidden])").first.click()
    tab.wait_for_function(f"document.body.getAttribute('data-md-color-scheme') !== '{scheme}'")


def test_every_card_has_all_the_sites_cards(site_pages):
    """The list above names every card the build wrote (a new card gets its screenshots too)."""
    built = {path.strip("/") for path in site_pages if path.count("/") == 3 and not path.startswith("/zh/")}
    assert built == set(CARDS)


@pytest.mark.parametrize("lang", ["vi", "zh"])
def test_screenshots_of_every_card(new_tab, base_url, lang):
    """One load per card: desktop (top, first figure), dark scheme (first figure), phone (top, first figure)."""
    FOLDER.mkdir(parents=True, exist_ok=True)
    tab = new_tab()
    prefix = "/zh/" if lang == "zh" else "/"
    written = []
    for card in CARDS:
        name = FOLDER / f"{card.replace('/', '--')}.{lang}"
        tab.set_viewport_size(DESKTOP)
        tab.goto(f"{base_url}{prefix}{card}/")
        written += [shoot(tab, name.with_suffix(f".{lang}.desktop.png")),
                    shoot(tab, name.with_suffix(f".{lang}.desktop-figure.png"), at_first_figure=True)]
        toggle_scheme(tab)  # to the dark scheme, as a reader would
        written.append(shoot(tab, name.with_suffix(f".{lang}.dark-figure.png"), at_first_figure=True))
        toggle_scheme(tab)
        tab.set_viewport_size(PHONE)
        written += [shoot(tab, name.with_suffix(f".{lang}.phone.png")),
                    shoot(tab, name.with_suffix(f".{lang}.phone-figure.png"), at_first_figure=True)]
    assert all(path.stat().st_size > 20_000 for path in written if path)  # a page, not a blank
