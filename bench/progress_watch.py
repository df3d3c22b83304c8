"""Watch the import page's live progress for the 10 MB CSV, as the page would see it.

    python bench/generate.py /tmp/calkeep-bench
    python bench/progress_watch.py /tmp/calkeep-bench [--db sqlite,postgres] [--pg URL]

For each database: a fresh database prepared as bench/import_bench.py prepares it, the CSV
uploaded (strategy merge), then the worker's analyze_run and, after queue_commit, its
commit_run, each in a child process, while this process reads the run's progress the way
the progress partial does (`transfers.progress.read_progress`, four times a second) and
prints each new value with the seconds since the step began. Not a benchmark with targets:
it shows what a person watching the page sees, and that the numbers move while the commit's
transaction is open."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from import_bench import fresh_postgres, prepare


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("inputs", type=Path)
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432/calkeep_bench")
    parser.add_argument("--work", help=argparse.SUPPRESS)  # in the child: analyse|commit RUN_ID
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "calkeep.settings")
    if args.work:
        work(args.work)
        return
    for db in args.db.split(","):
        with tempfile.TemporaryDirectory(prefix="calkeep-bench-") as data_dir:
            os.environ["CALKEEP_DATA_DIR"] = data_dir
            os.environ.pop("DATABASE_URL", None)
            if db == "postgres":
                os.environ["DATABASE_URL"] = fresh_postgres(args.pg)
            prepare(dict(os.environ), args.inputs)
            subprocess.run([sys.executable, __file__, str(args.inputs), "--db", db, "--work",
                            f"watch {args.inputs}"], check=True)  # fmt: skip


def work(command: str) -> None:
    import django

    django.setup()
    verb, argument = command.split(" ", 1)
    if verb == "watch":
        watch(Path(argument))
        return
    from calkeep.transfers.runs import analyze_run, commit_run

    (analyze_run if verb == "analyse" else commit_run)(int(argument))


def watch(inputs: Path) -> None:
    from django.db import connection

    from calkeep.cli import resolve_member
    from calkeep.transfers.actions import ImportOptions
    from calkeep.transfers.models import ImportRun
    from calkeep.transfers.runs import queue_commit, receive_upload

    viewer = resolve_member("demo", None)
    data = (inputs / "contacts.csv").read_bytes()
    run = receive_upload(viewer, "contacts.csv", data, ImportOptions(strategy="merge"))
    print(f"{connection.vendor}: analysis of {run.filename}")
    follow("analyse", run.pk, inputs)
    run = ImportRun.objects.defer("data").get(pk=run.pk)
    assert queue_commit(run, "merge")
    print(f"{connection.vendor}: commit")
    follow("commit", run.pk, inputs)
    run = ImportRun.objects.defer("data").get(pk=run.pk)
    print(f"{connection.vendor}: {run.get_status_display()}, {run.summary}")


def follow(verb: str, run_id: int, inputs: Path) -> None:
    from calkeep.transfers.progress import read_progress

    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, __file__, str(inputs), "--work", f"{verb} {run_id}"])
    last = None
    while child.poll() is None:
        seen = read_progress(run_id)
        if seen is not None and seen != last:
            print(f"  {time.perf_counter() - start:6.2f} s  {seen.text} ({seen.percent} %)")
            last = seen
        time.sleep(0.25)
    print(f"  {time.perf_counter() - start:6.2f} s  done (exit status {child.returncode})")


if __name__ == "__main__":
    main()
