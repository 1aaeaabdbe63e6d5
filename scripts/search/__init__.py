"""Search stage: what a reader types finds the card that explains it, in the page's language.

Runs after MkDocs has written the merged index (``mkdocs_hooks.on_post_build``); each part is a
plain function over data, testable alone:

- ``words``: the jieba user dictionary generated from the glossary (Chinese terms stay whole);
- ``keywords``: the names a card is searched by, in every spelling readers use (BatchNorm,
  batchnorm, batch-norm, BN, the d2l-vi / d2l-zh words), from ``data/glossary.yml`` (``card:``);
- ``previews``: readable result previews (LaTeX as its plain text) and tags in the page's language;
- ``index``: one index per language with the above applied, and the ranking weights.
"""
