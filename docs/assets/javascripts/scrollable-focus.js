// Accessibility: a box that scrolls sideways (a wide table, a long formula, a notebook code cell)
// must be reachable with the keyboard, or its hidden part can only be seen with a mouse (axe:
// scrollable-region-focusable). Material does this for its code blocks; here the same for the rest,
// and only for boxes that do overflow, so narrow ones add no stop to the Tab order.
(() => {
  const SCROLLABLE = [
    ".md-typeset__scrollwrap",        // tables, wrapped by Material
    ".md-typeset div.arithmatex",     // display formulas
    ".highlight-ipynb",               // notebook pages: code cells
    ".jp-RenderedMarkdown .highlight > pre",
    ".jp-OutputArea-output pre",
  ].join(", ");

  function markScrollable() {
    for (const box of document.querySelectorAll(SCROLLABLE)) {
      const overflows = box.scrollWidth > box.clientWidth + 1;
      if (overflows && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.dataset.scrollFocus = "";
      } else if (!overflows && "scrollFocus" in box.dataset) {
        box.removeAttribute("tabindex");
        delete box.dataset.scrollFocus;
      }
    }
  }

  let pending = 0;
  const later = () => { cancelAnimationFrame(pending); pending = requestAnimationFrame(markScrollable); };
  document$.subscribe(markScrollable);   // Material has wrapped the tables of the page by then
  window.addEventListener("load", markScrollable);   // KaTeX's fonts make formulas wider once loaded
  document.fonts.ready.then(markScrollable);
  window.addEventListener("resize", later);
})();
