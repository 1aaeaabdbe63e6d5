"""Notebook pages in a real browser: rendered offline, formulas and figures, language switch."""

from __future__ import annotations


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
