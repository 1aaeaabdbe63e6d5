"""The build's own log: ``dlcards`` warnings and notes on stderr.

It is not under MkDocs' ``mkdocs`` logger on purpose: under ``mkdocs serve`` a problem on a
page is shown on the page and logged here, and strict mode (which counts ``mkdocs`` warnings)
does not turn it into an aborted server.
"""

from __future__ import annotations

import logging
import sys


class _Stderr(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time (tests capture it)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value):
        pass


def show_on_stderr(logger: logging.Logger, prefix: str = "") -> None:
    """Log INFO and above of ``logger`` on stderr, once, in MkDocs' style."""
    if not any(isinstance(h, _Stderr) for h in logger.handlers):
        handler = _Stderr()
        handler.setFormatter(logging.Formatter(f"%(levelname)-8s-  {prefix}%(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)


log = logging.getLogger("dlcards")
log.propagate = False
show_on_stderr(log, "dlcards: ")
