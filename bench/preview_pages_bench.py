"""How long the import page takes to show one page of a big dry run's preview.

    python bench/generate.py /tmp/calkeep-bench
    python bench/preview_pages_bench.py /tmp/calkeep-bench [--db sqlite,postgres] [--pg URL]

For each database: a fresh database with the `demo` workspace and its seeded contacts
(as bench/import_bench.py prepares it), the 10 MB CSV uploaded and analysed the page's way
(`receive_upload`, then the worker's `analyze_run`, strategy merge: 63,338 rows, 57,005
creates, 6,333 updates, 25,582 rows with warnings). Then, in a fresh process, the demo admin
asks for the detail page (`transfers:detail`) through Django's test client: the first page
and a late page of all rows, and of the update and warning filters. Each page is asked for
`--repeat` times after one warm-up request of another page; the figures are wall
milliseconds of the whole request (query, decompression, template), best and median.
See bench/README.md."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from hostinfo import core_speed, load
from import_bench import fresh_postgres, prepare

PAGES = (
    ("all, page 1", "", 1),
    ("all, page 600", "", 600),
    ("update, page 1", "update", 1),
    ("update, page 60", "update", 60),
    ("warnings, page 250", "warning", 250),
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("inputs", type=Path)
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432/calkeep_bench")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--phase")
    args = parser.parse_args()
    if args.phase:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "calkeep.settings")
        import django

        django.setup()
        result = analyse(args.inputs) if args.phase == "analyse" else pages(args.repeat)
        print(json.dumps(result))
        return
    print(f"load average before: {load()}; {core_speed()}")
    for db in args.db.split(","):
        with tempfile.TemporaryDirectory(prefix="calkeep-bench-") as data_dir:
            env = {**os.environ, "CALKEEP_DATA_DIR": data_dir}
            env.pop("DATABASE_URL", None)
            if db == "postgres":
                env["DATABASE_URL"] = fresh_postgres(args.pg)
            prepare(env, args.inputs)
            analysed = phase("analyse", args, env)
            print(f"{db}: analysed {analysed['rows']} rows in {analysed['seconds']:.2f} s")
            for name, timings in phase("pages", args, env).items():
                best, median = min(timings), statistics.median(timings)
                print(f"{db:9} {name:20} best {best:8.1f} ms   median {median:8.1f} ms")
    print(f"load average after: {load()}")


def phase(name: str, args: argparse.Namespace, env: dict[str, str]) -> dict:
    command = [sys.executable, __file__, str(args.inputs), "--phase", name]
    command += ["--repeat", str(args.repeat)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"phase {name} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def analyse(inputs: Path) -> dict[str, float]:
    from calkeep.cli import resolve_member
    from calkeep.transfers.actions import ImportOptions
    from calkeep.transfers.models import ImportRun
    from calkeep.transfers.runs import analyze_run, receive_upload

    viewer = resolve_member("demo", None)
    data = (inputs / "contacts.csv").read_bytes()
    run = receive_upload(viewer, "contacts.csv", data, ImportOptions(strategy="merge"))
    start = time.perf_counter()
    analyze_run(run.pk)
    seconds = time.perf_counter() - start
    run = ImportRun.objects.only("rows", "status").get(pk=run.pk)
    assert run.status == ImportRun.Status.PREVIEWED, run.status
    return {"rows": run.rows, "seconds": seconds}


def pages(repeat: int) -> dict[str, list[float]]:
    from django.test import Client
    from django.urls import reverse

    from calkeep.cli import resolve_member
    from calkeep.transfers.models import ImportRun

    viewer = resolve_member("demo", None)
    run_id = ImportRun.objects.values_list("pk", flat=True).get()
    client = Client()
    client.force_login(viewer.user)
    detail = reverse("transfers:detail", kwargs={"ws": "demo", "run_id": run_id})
    assert client.get(reverse("transfers:upload", kwargs={"ws": "demo"})).status_code == 200
    timings: dict[str, list[float]] = {}
    for name, shown, number in PAGES:
        url = f"{detail}?show={shown}&page={number}"
        for _ in range(repeat):
            start = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - start) * 1000
            assert response.status_code == 200, response.status_code
            assert f"Page {number} of" in response.content.decode(), url
            timings.setdefault(name, []).append(elapsed)
    return timings


if __name__ == "__main__":
    main()
