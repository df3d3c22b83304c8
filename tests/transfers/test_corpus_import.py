"""Every real file of the corpus through `calkeep import --dry-run --json`, exactly as the
corpus checker runs it, compared with the checker's own comparison."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from calkeep import cli
from calkeep.accounts.actions import ensure_demo_workspace
from tests.corpus import PUBLIC_DIR, case_ids, case_named, checker


def run_import(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, Any]:
    status = cli.main(["import", *args])
    out = capsys.readouterr().out
    return status, json.loads(out)


@pytest.mark.django_db
@pytest.mark.parametrize("name", case_ids())
def test_corpus_file_imports_as_expected(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    ensure_demo_workspace()
    case = case_named(name)
    args = [str(PUBLIC_DIR / name), "--workspace", "demo", "--dry-run", "--json"]
    if case.get("region"):
        args += ["--region", case["region"]]
    status, document = run_import(capsys, *args)
    assert status == 0
    assert checker().compare_document(case, document) == []
    assert document["dry_run"] is True
    assert document["rows"] == len(document["items"]) == case["count"]


def test_installed_command_passes_the_corpus_checker_on_one_file(tmp_path: Path) -> None:
    """The console script itself, in a fresh data folder, as check_corpus.py runs it."""
    exe = Path(sys.executable).with_name("calkeep")
    if not exe.exists():
        exe = Path(shutil.which("calkeep") or "calkeep")
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    env["CALKEEP_DATA_DIR"] = str(tmp_path / "data")
    name = "monica_multicard-empty-fn.vcf"
    subprocess.run([exe, "init"], env=env, cwd=tmp_path, check=True, capture_output=True)
    done = subprocess.run(
        [exe, "import", str(PUBLIC_DIR / name), "--workspace", "demo", "--dry-run", "--json"],
        env=env, cwd=tmp_path, capture_output=True, check=True,
    )  # fmt: skip
    assert checker().compare_document(case_named(name), json.loads(done.stdout)) == []
