"""How long-running work says how far it got, without knowing who listens.

A `Progress` is called as `progress(step, done, total)`: the step's name ("read", "write",
…), how many of its units are done and how many there are. Callers call it every thousand
rows or so, never per row; the listener decides what to do with it (transfers/progress.py
writes it for the import page, at most twice a second)."""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[str, int, int], None]
# Rows between two calls in per-row loops.
EVERY = 1000
