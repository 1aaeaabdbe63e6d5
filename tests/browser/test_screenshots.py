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


def shoot(tab, url: str, folder: Path, name: str) -> list[Path]:
    """The top of the page, and the page at its first figure."""
    tab.goto(url)
    tab.screenshot(path=str(folder / f"{name}.png"), animations="disabled")
    shots = [folder / f"{name}.png"]
    if tab.locator("figure.card-figure").count():
        tab.locator("figure.card-figure").first.scroll_into_view_if_needed()
        tab.screenshot(path=str(folder / f"{name}-figure.png"), animations="disabled")
        shots.append(folder / f"{name}-figure.png")
    return shots


@pytest.fixture(scope="module")
def tabs(new_tab):
    return {"desktop": new_tab(), "phone": new_tab(viewport="phone"), "dark": new_tab(scheme="dark")}


def test_every_card_has_all_the_sites_cards(site_pages):
    """The list above names every card the build wrote (a new card gets its screenshots too)."""
    built = {path.strip("/") for path in site_pages if path.count("/") == 3 and not path.startswith("/zh/")}
    assert built == set(CARDS)


@pytest.mark.parametrize("lang", ["vi", "zh"])
def test_screenshots_of_every_card(tabs, base_url, lang):
    FOLDER.mkdir(parents=True, exist_ok=True)
    prefix = "/zh/" if lang == "zh" else "/"
    written = []
    for card in CARDS:
        name = card.replace("/", "--")
        url = f"{base_url}{prefix}{card}/"
        for kind, tab in tabs.items():
            written += shoot(tab, url, FOLDER, f"{name}.{lang}.{kind}")
    assert all(path.stat().st_size > 20_000 for path in written)  # a page, not a blank
