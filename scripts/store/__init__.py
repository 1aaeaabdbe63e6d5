"""Store stage: results cached under content hashes, saved one by one as runs finish.

    keys.py   the cache key of a snippet (content hashes, never modification times)
    cache.py  entries on disk: checked when read, written atomically, locked, pruned
"""

from scripts.store.cache import CacheLock, load, prune, save
from scripts.store.keys import cache_key, environment_fingerprint

__all__ = ["CacheLock", "cache_key", "environment_fingerprint", "load", "prune", "save"]
