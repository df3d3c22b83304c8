"""Import speed: dry run and commit of the generated 10 MB files, on SQLite and PostgreSQL,
each phase in a fresh process so its peak RSS is its own.

    python bench/generate.py /tmp/calkeep-bench
    python bench/import_bench.py /tmp/calkeep-bench [--db sqlite,postgres] [--pg URL]

After those phases the database is prepared again for the page's way: `csv_analysis` times
analyze_run (the worker's dry run that stores the preview on the run), `csv_page_commit`
the worker's commit_run of that run in another fresh process.

Each phase prints wall seconds (the import call only, not Python start-up), the CPU seconds
of its process and, apart, of the helpers it forked (phone parsing, packing the reading or a
preview in a second process), peak RSS, and the wall time's ratio to a floor measured in the
same run: the standard `csv` module reading the same file (for the vCard file: reading it
and splitting it into lines). See bench/README.md."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from hostinfo import core_speed, load

PHASES = ("floor_csv", "csv_dry_run", "csv_commit", "floor_vcf", "vcf_dry_run")
# The page's way, in a database prepared again: the analysis (dry run + preview stored on the
# run), then the commit of that run in another fresh process (the worker's commit_run).
PAGE_PHASES = ("csv_analysis", "csv_page_commit")
# The targets: a dry run, and the commit of a dry-run import (the page's commit
# of an analysed run). `calkeep import` without --dry-run (csv_commit) reads and plans the
# file itself and then commits: it is held to the two targets added up (bench/README.md).
DRY_RUN_TARGET = 3.0
COMMIT_TARGET = {"sqlite": 6.0, "postgres": 8.0}
TARGETS = {
    "csv_dry_run": DRY_RUN_TARGET, "vcf_dry_run": DRY_RUN_TARGET,
    "csv_commit": {db: DRY_RUN_TARGET + limit for db, limit in COMMIT_TARGET.items()},
    "csv_page_commit": COMMIT_TARGET,
}  # fmt: skip
RSS_TARGET_MB = 300
# perf_counter, process_time and the forked helpers' CPU seconds when a phase's timed part
# began.
_START = (0.0, 0.0, 0.0)


def run_phase(phase: str, inputs: Path, env: dict[str, str]) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, "--phase", phase, str(inputs)],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"phase {phase} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def prepare(env: dict[str, str], inputs: Path) -> None:
    """A fresh database with the demo workspace and the contacts 10 % of the rows match."""
    subprocess.run([sys.executable, "-m", "calkeep.cli", "init"], env=env, check=True,
                   capture_output=True)  # fmt: skip
    subprocess.run([sys.executable, __file__, "--phase", "seed", str(inputs)], env=env, check=True,
                   capture_output=True)  # fmt: skip
    if env.get("DATABASE_URL"):
        # A database in use has its statistics; a fresh one would have autovacuum analyse
        # the seeded tables in the middle of the first phases, on the cores they need.
        import psycopg

        with psycopg.connect(env["DATABASE_URL"], autocommit=True) as connection:
            connection.execute("VACUUM ANALYZE")


def fresh_postgres(url: str) -> str:
    import psycopg

    base, _, _ = url.rpartition("/")
    with psycopg.connect(base + "/postgres", autocommit=True) as connection:
        connection.execute("DROP DATABASE IF EXISTS calkeep_bench")
        connection.execute("CREATE DATABASE calkeep_bench")
    return base + "/calkeep_bench"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("inputs", type=Path)
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432/calkeep_bench")
    parser.add_argument("--phase")
    args = parser.parse_args()
    if args.phase:
        measure(args.phase, args.inputs)
        return
    print(f"load average before: {load()}; {core_speed()}")
    header = (
        f"{'db':9} {'phase':15} {'seconds':>8} {'cpu s':>7} {'+helpers':>8} {'x floor':>8} "
        f"{'peak MB':>8}"
    )
    print(f"{header}  target")
    for db in args.db.split(","):
        with tempfile.TemporaryDirectory(prefix="calkeep-bench-") as data_dir:
            env = {**os.environ, "CALKEEP_DATA_DIR": data_dir}
            env.pop("DATABASE_URL", None)
            if db == "postgres":
                env["DATABASE_URL"] = fresh_postgres(args.pg)
            prepare(env, args.inputs)
            floors: dict[str, float] = {}
            for phase in PHASES:
                result = run_phase(phase, args.inputs, env)
                report(db, phase, result, floors)
            if db == "postgres":
                env["DATABASE_URL"] = fresh_postgres(args.pg)
            else:
                Path(data_dir, "calkeep.sqlite3").unlink()
            prepare(env, args.inputs)
            for phase in PAGE_PHASES:
                result = run_phase(phase, args.inputs, env)
                report(db, phase, result, floors)
    print(f"load average after: {load()}")


def report(db: str, phase: str, result: dict[str, float], floors: dict[str, float]) -> None:
    seconds, peak = result["seconds"], result["peak_mb"]
    kind = "csv" if "csv" in phase else "vcf"
    if phase.startswith("floor"):
        floors[kind] = seconds
        ratio, target = "", ""
    elif phase not in TARGETS:
        ratio, target = f"{seconds / floors[kind]:8.1f}", "(no target: dry run + stored preview)"
    else:
        ratio = f"{seconds / floors[kind]:8.1f}"
        goal = TARGETS[phase]
        limit = goal[db] if isinstance(goal, dict) else goal
        verdict = "ok" if seconds <= limit and peak <= RSS_TARGET_MB else "MISSED"
        target = f"<= {limit} s, <= {RSS_TARGET_MB} MB: {verdict}"
    extra = f"  ({result['rows']:.0f} rows)" if "rows" in result else ""
    cpu, helpers = result["cpu"], result.get("helpers_cpu", 0.0)
    print(
        f"{db:9} {phase:15} {seconds:8.2f} {cpu:7.2f} {helpers:8.2f} {ratio:>8} {peak:8.0f}  "
        f"{target}{extra}",
        flush=True,
    )


# -- inside one phase's process ------------------------------------------------------------
def measure(phase: str, inputs: Path) -> None:
    import resource

    if not phase.startswith("floor"):
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "calkeep.settings")
        import django

        django.setup()
    global _START
    _START = (time.perf_counter(), time.process_time(), _helpers_cpu())
    rows = floor(phase, inputs) if phase.startswith("floor") else import_phase(phase, inputs)
    start, cpu_start, helpers_start = _START
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    helpers = _helpers_cpu() - helpers_start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "cpu": cpu, "helpers_cpu": helpers, "peak_mb": peak_mb,
                      "rows": rows}))  # fmt: skip


def _helpers_cpu() -> float:
    """CPU seconds of the phase's forked helpers that have ended (lib/forked.py: phone
    parsing, packing the reading or a preview), which `cpu s` leaves out."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def floor(phase: str, inputs: Path) -> int:
    import csv

    if phase == "floor_csv":
        with open(inputs / "contacts.csv", encoding="utf-8", newline="") as handle:
            return sum(1 for _ in csv.reader(handle)) - 1
    return len((inputs / "contacts.vcf").read_bytes().decode("utf-8").splitlines())


def import_phase(phase: str, inputs: Path) -> int:
    from calkeep.cli import resolve_member
    from calkeep.transfers.actions import ImportOptions, dry_run
    from calkeep.transfers.runs import import_now

    viewer = resolve_member("demo", None)
    if phase == "seed":
        return seed(viewer, inputs)
    name = "contacts.csv" if phase.startswith("csv") else "contacts.vcf"
    if phase in PAGE_PHASES:
        return page_phase(phase, viewer, name, inputs)
    # Timed from here: the call itself, not the imports, the member or reading the file.
    data = (inputs / name).read_bytes()
    rows: list[int] = []
    if phase.endswith("dry_run"):
        work = lambda: rows.append(len(dry_run(viewer, data, ImportOptions()).items))  # noqa: E731
    else:
        options = ImportOptions(strategy="merge")
        work = lambda: rows.append(len(import_now(viewer, name, data, options).items))  # noqa: E731
    return timed(work, lambda: rows[0])


def page_phase(phase: str, viewer: Any, name: str, inputs: Path) -> int:
    """The timed part only: analyze_run, or commit_run of the run the analysis left."""
    from calkeep.transfers.actions import ImportOptions
    from calkeep.transfers.models import ImportRun
    from calkeep.transfers.runs import analyze_run, commit_run, queue_commit, receive_upload

    if phase == "csv_analysis":
        options = ImportOptions(strategy="merge")
        uploaded = receive_upload(viewer, name, (inputs / name).read_bytes(), options)
        assert uploaded.status == ImportRun.Status.ANALYZING  # queued for the worker
        run_id = uploaded.pk
        del uploaded  # the worker starts from the run's id, without the upload in memory
        return timed(lambda: analyze_run(run_id), lambda: ImportRun.objects.get(pk=run_id).rows)
    run = ImportRun.objects.defer("data").get(status=ImportRun.Status.PREVIEWED)
    assert queue_commit(run, "merge")
    return timed(lambda: commit_run(run.pk), lambda: run.rows)


def timed(work: Callable[[], object], rows: Callable[[], int]) -> int:
    """Restart the phase's clocks (set up above is not the phase), then do the work."""
    global _START
    _START = (time.perf_counter(), time.process_time(), _helpers_cpu())
    work()
    return rows()


def seed(viewer: object, inputs: Path) -> int:
    from calkeep.contacts.actions import bulk_create_contacts

    emails = json.loads((inputs / "existing.json").read_text())
    values = [
        {
            "given_name": "Seed",
            "family_name": str(i),
            "emails": [{"value": e, "label": "", "primary": True}],
        }
        for i, e in enumerate(emails)
    ]
    bulk_create_contacts(viewer.workspace, viewer.user, values, "manual")  # type: ignore[attr-defined]
    return len(values)


if __name__ == "__main__":
    main()
