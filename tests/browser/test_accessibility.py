"""Accessibility of every built page, checked by axe-core in a real browser.

axe-core is vendored (``vendor/axe-core/``, see its README) and injected by the test only: the site
never loads it. Every page of both languages is checked in the light scheme with all of axe's rules;
every page but the notebooks (one per language) also in the dark scheme, with the rules about
colour (the schemes differ in colour only). No violation of impact *serious* or *critical* is allowed, nor an
empty table header: axe rates it *minor*, but a header that is a formula alone has no visible text
(KaTeX's MathML is visually hidden), so every table keeps a word in its headers. The "skip to
content" link must land on an element.
"""

from __future__ import annotations

import hashlib

from conftest import AXE, FORMULAS_RENDERED, axe_violations

BLOCKING_IMPACTS = {"serious", "critical"}
ALWAYS_BLOCKING = {"empty-table-header"}
NODES_SHOWN = 3  # per page and rule in the failure message; the rest are counted
COLOUR_RULES = {"resultTypes": ["violations"],
                "runOnly": {"type": "rule", "values": ["color-contrast", "link-in-text-block"]}}


def dark_scheme_pages(site_pages: list[str]) -> list[str]:
    """Every page of both languages but the notebook pages, of which one per language: notebook
    pages take their colours from one stylesheet, and axe's contrast rule is slow on them."""
    pages, notebooks = [], {}
    for path in site_pages:
        if path.endswith("/notebook/"):
            notebooks.setdefault(path.startswith("/zh/"), path)
        else:
            pages.append(path)
    return pages + list(notebooks.values())


def blocking(violation: dict) -> list[dict]:
    """The nodes of one axe violation that fail this test."""
    return [node for node in violation["nodes"]
            if violation["id"] in ALWAYS_BLOCKING or (node["impact"] or violation["impact"]) in BLOCKING_IMPACTS]


def summary(node: dict) -> str:
    """axe's 'Fix any of the following: ...' on one line."""
    return " ".join(line.strip() for line in node.get("failureSummary", "").splitlines() if line.strip())


def describe(scheme: str, path: str, violation: dict, nodes: list[dict]) -> list[str]:
    """Readable lines for one rule on one page: page, rule, impact, where, and what axe says."""
    lines = [f"{path} ({scheme}): {violation['id']}, {nodes[0]['impact'] or violation['impact']}, "
             f"{len(nodes)} element(s) — {violation['help']}"]
    for node in nodes[:NODES_SHOWN]:
        lines.append(f"    at {' > '.join(map(str, node['target']))}: {summary(node)}")
    if len(nodes) > NODES_SHOWN:
        lines.append(f"    ... and {len(nodes) - NODES_SHOWN} more")
    return lines


def failing(violations: list[dict], path: str, scheme: str) -> list[str]:
    """The findings of axe on one page that fail the test, described."""
    found = []
    for violation in violations:
        nodes = blocking(violation)
        if nodes:
            found += describe(scheme, path, violation, nodes)
    return found


def audit(tab, base_url: str, path: str, options: dict, scheme: str) -> list[str]:
    """Open one page, wait for its formulas, run axe on it: the failing findings, described."""
    tab.goto(f"{base_url}{path}")
    tab.wait_for_function(FORMULAS_RENDERED)
    return failing(axe_violations(tab, options), path, scheme)


def test_every_page_has_no_serious_accessibility_violations(crawl, site_pages):
    """axe ran with all its rules on every page in the light scheme, during the crawl (conftest.py)."""
    assert len(site_pages) > 20, site_pages
    found = [line for path in site_pages for line in failing(crawl[path]["axe"], path, "light")]
    found += [f"{path}: the skip link points at no element" for path in site_pages
              if not crawl[path]["skipLinkLands"]]
    assert not found, "axe-core found accessibility problems:\n" + "\n".join(found)


def test_pages_in_the_dark_scheme_have_enough_contrast(new_tab, base_url, site_pages):
    """The dark scheme changes colours only: the rules about colour."""
    pages = dark_scheme_pages(site_pages)
    assert len(pages) > 10 and sum("/notebook/" in path for path in pages) == 2, pages
    tab = new_tab(scheme="dark")
    found = [line for path in pages for line in audit(tab, base_url, path, COLOUR_RULES, "dark")]
    assert not found, "axe-core found accessibility problems in the dark scheme:\n" + "\n".join(found)


def test_axe_is_the_vendored_release():
    """axe.min.js is the very file the README names (version and sha256), as unpacked from npm."""
    readme = (AXE.parent / "README.md").read_text(encoding="utf-8")
    version = AXE.read_text(encoding="utf-8")[:40].split("axe v", 1)[1].split()[0]
    assert f"axe-core](https://www.npmjs.com/package/axe-core) {version}" in readme
    assert hashlib.sha256(AXE.read_bytes()).hexdigest() in readme
