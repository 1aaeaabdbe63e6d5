// Render the formulas pymdownx.arithmatex marks (class "arithmatex"), on every page
// Material loads, including instant navigation. KaTeX is vendored: no CDN.
document$.subscribe(({ body }) => {
  renderMathInElement(body, {
    delimiters: [
      { left: "$$", right: "$$", display: true },
      { left: "$", right: "$", display: false },
      { left: "\\(", right: "\\)", display: false },
      { left: "\\[", right: "\\]", display: true },
    ],
  });
});
