"""The shared real-file corpus (../shared/corpus) and its own checker, used in place."""

from __future__ import annotations

import importlib.util
import json
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

CORPUS_DIR = Path(__file__).resolve().parents[2] / "shared" / "corpus"
PUBLIC_DIR = CORPUS_DIR / "public"


@cache
def checker() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_corpus", CORPUS_DIR / "check_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@cache
def cases() -> list[dict[str, Any]]:
    return json.loads((PUBLIC_DIR / "expected.json").read_text(encoding="utf-8"))


def case_ids() -> list[str]:
    return [case["file"] for case in cases()]


def case_named(name: str) -> dict[str, Any]:
    return next(case for case in cases() if case["file"] == name)
