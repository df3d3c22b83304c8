"""Hostile inputs through the whole dry run (read, normalize, plan), as `calkeep import
--dry-run` runs them. Target from the issue: each is answered (contacts or a clear error)
within 10 s.

    python bench/hostile_inputs.py

Prints, per input, the seconds taken and the answer (rows read, or the refusal message)."""

from __future__ import annotations

import base64
import os
import tempfile
import time
from collections.abc import Callable

CASES: dict[str, Callable[[], bytes]] = {
    "10 MB single line": lambda: b"x" * 10_000_000,
    "10 MB single CSV cell": lambda: b'Name,Notes\nJo,"' + b"y" * 10_000_000 + b'"\n',
    "2,000 nested BEGIN:VCARD": lambda: (
        b"BEGIN:VCARD\r\nVERSION:3.0\r\n" * 2000 + b"FN:Deep\r\n" + b"END:VCARD\r\n" * 2000
    ),
    "5 MB base64 photo": lambda: (
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Photo\r\nPHOTO;ENCODING=b;TYPE=JPEG:"
        + base64.b64encode(os.urandom(3_750_000))
        + b"\r\nEMAIL:photo@example.com\r\nEND:VCARD\r\n"
    ),
    "200,000-column row": lambda: (
        ",".join(f"Email {i}" for i in range(200_000)).encode() + b"\n"
        + ",".join(f"a{i}@example.com" if i < 3 else "" for i in range(200_000)).encode() + b"\n"
    ),
    "200,000 extra cells": lambda: b"Name,Email\nAnn,ann@example.com" + b",x" * 200_000 + b"\n",
}  # fmt: skip


def main() -> None:
    os.environ.setdefault("CALKEEP_DATA_DIR", tempfile.mkdtemp(prefix="calkeep-hostile-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "calkeep.settings")
    import django

    django.setup()
    from calkeep.cli import cmd_init, resolve_member
    from calkeep.formats.draft import UnreadableFile
    from calkeep.transfers.actions import ImportOptions, dry_run

    cmd_init(None)  # type: ignore[arg-type]
    viewer = resolve_member("demo", None)
    for name, make in CASES.items():
        data = make()
        start = time.perf_counter()
        try:
            plan = dry_run(viewer, data, ImportOptions())
            answer = f"{len(plan.items)} row(s), summary {plan.summary()}"
        except UnreadableFile as error:
            answer = f"refused: {error.message[:90]}"
        seconds = time.perf_counter() - start
        verdict = "ok" if seconds <= 10 else "MISSED"
        print(f"{name:26} {len(data):>11,} bytes {seconds:6.2f} s {verdict:6} {answer}")


if __name__ == "__main__":
    main()
