"""Build tooling for the bilingual deep-learning cards.

Pipeline stages, one module each, run in this order by ``pipeline.py``:

    collect  ->  execute  ->  store  ->  inject
    (cards,      (one snippet   (results   (results into each
     references)  per process)   cache)     card, per language)
"""
