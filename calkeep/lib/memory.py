"""Keeping the cyclic garbage collector out of bulk work."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Building hundreds of thousands of small objects (rows, drafts, plan items) makes the
    collector scan everything alive over and over: a third of a 10 MB import's time. Code in
    this block must not depend on collecting reference cycles meanwhile; any it leaves are
    collected after it."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        # What was built meanwhile sits in the youngest generation; freeze + unfreeze moves
        # it to the oldest in one step instead of one long first collection.
        gc.freeze()
        gc.unfreeze()
        if was_enabled:
            gc.enable()
