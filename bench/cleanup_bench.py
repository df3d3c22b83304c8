"""Cleanup preview speed: all five Phase 0 rules over 100,000 generated contacts, on SQLite
and PostgreSQL. Target: at most 5 s of wall time for the preview.

    python bench/cleanup_bench.py [--contacts 100000] [--db sqlite,postgres] [--pg URL] [--apply]

The contacts are written straight into a fresh database with bulk_create (names, phones in
several countries and spellings with their E.164 forms as an import stores them, notes,
addresses), with the mess the rules exist for mixed in at realistic rates: Outlook period
piles and Exchange HTML in notes, repeated paragraphs, "Name (Company)", one number written
two or three ways, home/mobile labels the number contradicts. The preview then runs in a
fresh process (cold phone caches, as after a deploy) and prints wall and CPU seconds, peak
RSS and how many contacts each rule would change. See bench/README.md."""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from typing import Any

from hostinfo import core_speed, load

TARGET_SECONDS = 5.0
GIVEN = [
    "Ana", "Bruno", "Chen", "Dana", "Elif", "Farah", "Giulia", "Hiro", "Ines", "Jonas", "Kemal",
    "Lena", "Mateo", "Nadia", "Omar", "Priya", "Quentin", "Rosa", "Sven", "Tomás", "Robert",
    "Katherine", "William", "Zoë",
]  # fmt: skip
FAMILY = [
    "Lima", "Schmidt", "Nakamura", "Okafor", "García", "Rossi", "Dubois", "Kowalski", "Nguyen",
    "Andersson", "Murphy", "Yılmaz", "Silva", "Müller", "Haddad", "Patel", "O'Brien", "Whitfield",
]  # fmt: skip
COMPANIES = ["Acme Corp", "Globex", "Initech", "Umbrella GmbH", "Stark Industries", "Hooli Inc"]
NOT_COMPANIES = ["Jr.", "she/her", "Bob", "home", "old", "2", "PhD"]
COUNTRIES = [("US", "United States"), ("GB", "United Kingdom"), ("DE", "Germany"),
             ("FR", "France")]  # fmt: skip
NOTES = [
    "Met at the Boston expo, wants a demo in Q3.",
    "Prefers calls after 3pm.\n\nAssistant: Maria (ext. 214).",
    "Kids: Sam and Lee. Likes golf.",
    "Renewal due in March; decision maker is the CFO.\n\nSend the deck before the call.",
]
SIGNATURE = "Sent from my iPhone"
EWS_HTML = (
    '<html>\r\n<head>\r\n<meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
    "\r\n</head>\r\n<body>\r\n<div>{}</div>\r\n</body>\r\n</html>\r\n"
)


# -- numbers --------------------------------------------------------------------------------
def number(rng: random.Random, country: str, mobile: bool) -> tuple[str, str]:
    """(E.164, one way people write it) for a valid number of the country."""
    if country == "US":
        area = rng.choice(["201", "212", "415", "617", "312", "303"])
        line = f"{rng.randint(200, 999)}{rng.randint(0, 9999):04d}"
        e164 = f"+1{area}{line}"
        return e164, rng.choice(
            [f"({area}) {line[:3]}-{line[3:]}", f"1-{area}-{line[:3]}-{line[3:]}", e164]
        )
    if country == "GB":
        nsn = f"7{rng.randint(400, 999)}{rng.randint(0, 999999):06d}" if mobile else \
            f"20{rng.choice('378')}{rng.randint(0, 9999999):07d}"  # fmt: skip
        return f"+44{nsn}", rng.choice([f"0{nsn[:4]} {nsn[4:]}", f"+44 {nsn[:4]} {nsn[4:]}"])
    if country == "DE":
        nsn = f"15{rng.randint(1, 9)}{rng.randint(0, 99999999):08d}" if mobile else \
            f"30{rng.randint(1000000, 9999999)}"  # fmt: skip
        return f"+49{nsn}", rng.choice([f"0{nsn[:3]} {nsn[3:]}", f"+49 {nsn[:3]} {nsn[3:]}"])
    nsn = f"6{rng.randint(0, 99999999):08d}" if mobile else f"1{rng.randint(0, 99999999):08d}"
    return f"+33{nsn}", rng.choice([f"0{nsn}", f"+33 {nsn[0]} {nsn[1:5]} {nsn[5:]}"])


def phones_for(rng: random.Random, country: str) -> list[dict[str, Any]]:
    phones = []
    for _ in range(rng.choice([0, 1, 1, 2, 2, 3])):
        mobile = rng.random() < 0.5
        e164, raw = number(rng, country, mobile)
        label = "mobile" if mobile else rng.choice(["home", "business"])
        if rng.random() < 0.15:
            label = rng.choice(["other", "", "fax", "iPhone", "Google Voice"])
        if rng.random() < 0.08:  # a label the number contradicts
            label = "home" if mobile else "mobile"
        phones.append({"raw": raw, "e164": e164, "label": label, "extension": ""})
        if rng.random() < 0.06:  # the same number again, written another way
            other = "+" + e164.lstrip("+") if raw != e164 else raw.replace(" ", "-")
            phones.append({"raw": other, "e164": e164, "label": "other", "extension": ""})
    if rng.random() < 0.01:
        phones.append({"raw": "call reception", "e164": None, "label": "", "extension": ""})
    return phones


def notes_for(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.55:
        return ""
    text = rng.choice(NOTES)
    if roll < 0.62:
        return text + "\r\n\r\n" + ".\r\n\r\n" * rng.randint(1, 8)  # Outlook sync cycles
    if roll < 0.66:
        return f"{text}\n\n{SIGNATURE}\n\n{SIGNATURE}"
    if roll < 0.68:
        return EWS_HTML.format(text)
    return text


def contact_values(rng: random.Random) -> dict[str, Any]:
    given, family = rng.choice(GIVEN), rng.choice(FAMILY)
    code, country = rng.choice(COUNTRIES)
    organization = rng.choice([*COMPANIES, "", "", ""])
    display = ""
    roll = rng.random()
    if roll < 0.04:
        display, organization = f"{given} {family} ({rng.choice(COMPANIES)})", ""
    elif roll < 0.06:
        display = f"{given} {family} ({rng.choice(NOT_COMPANIES)})"
    address = {"label": "work", "street": "1 Main St", "extended": "", "city": "", "region": "",
               "postcode": "", "country": country}  # fmt: skip
    return {
        "display_name": display, "given_name": given, "family_name": family,
        "organization": organization, "notes": notes_for(rng),
        "emails": [{"value": f"{given}.{family}{rng.randint(1, 10**6)}@example.com".lower(),
                    "label": "work", "primary": True}],
        "phones": phones_for(rng, code),
        "addresses": [address] if rng.random() < 0.5 else [],
    }  # fmt: skip


# -- phases (each in its own process) --------------------------------------------------------
def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "calkeep.settings")
    import django

    django.setup()


def seed(count: int) -> dict[str, Any]:
    setup_django()
    from django.core.management import call_command

    from calkeep.accounts.models import Workspace
    from calkeep.contacts.models import Contact

    call_command("migrate", interactive=False, verbosity=0)
    workspace = Workspace.objects.create(slug="bench", name="Bench", default_region="US")
    rng = random.Random(20240601)
    started = time.perf_counter()
    batch: list[Contact] = []
    for _ in range(count):
        batch.append(Contact(workspace=workspace, source="import", **contact_values(rng)))
        if len(batch) == 5000:
            Contact.objects.bulk_create(batch)
            batch = []
    Contact.objects.bulk_create(batch)
    return {"seeded": Contact.objects.count(), "seconds": round(time.perf_counter() - started, 1)}


def preview() -> dict[str, Any]:
    setup_django()
    from calkeep.accounts.models import Workspace
    from calkeep.cleanup.preview import preview_rules
    from calkeep.cleanup.rules import RULES
    from calkeep.contacts.models import Contact

    workspace = Workspace.objects.get(slug="bench")
    contacts = Contact.objects.filter(workspace=workspace)
    cpu, wall = time.process_time(), time.perf_counter()
    previews = preview_rules(contacts, list(RULES.values()), workspace.default_region)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "wall": round(wall, 2), "cpu": round(cpu, 2), "rss_mb": round(rss),
        "contacts": contacts.count(), "rules": {p.rule.name: p.contacts for p in previews},
    }  # fmt: skip


def apply_and_revert() -> dict[str, Any]:
    """For reference (no target): the job over the same contacts, then its revert."""
    setup_django()
    from django.contrib.auth.models import User

    from calkeep.accounts.models import Membership, Workspace
    from calkeep.cleanup import jobs
    from calkeep.cleanup.rules import RULES

    workspace = Workspace.objects.get(slug="bench")
    user = User.objects.create_user("bench@example.com")
    membership = Membership.objects.create(workspace=workspace, user=user, role="admin")
    membership = Membership.objects.select_related("workspace", "user").get(pk=membership.pk)
    started = time.perf_counter()
    job = jobs.apply_now(membership, list(RULES))
    applied = time.perf_counter() - started
    started = time.perf_counter()
    jobs.revert_now(job)
    return {
        "apply": round(applied, 1), "revert": round(time.perf_counter() - started, 1),
        "changed": job.changed,
    }  # fmt: skip


def run(phase: str, env: dict[str, str], *args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--phase", phase, *args],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"phase {phase} failed:\n{done.stderr[-3000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def fresh_postgres(url: str) -> str:
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(base + "/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    return url


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432/calkeep_cleanup_bench")
    parser.add_argument("--apply", action="store_true", help="also time apply and revert")
    parser.add_argument("--phase", choices=["seed", "preview", "apply"])
    parser.add_argument("count", nargs="?", type=int)
    args = parser.parse_args()
    if args.phase:
        phases = {"seed": lambda: seed(args.count), "preview": preview, "apply": apply_and_revert}
        print(json.dumps(phases[args.phase]()))
        return
    print(f"load average before: {load()}; {core_speed()}")
    for db in args.db.split(","):
        with tempfile.TemporaryDirectory(prefix="calkeep-cleanup-bench-") as data:
            env = {**os.environ, "CALKEEP_DATA_DIR": data, "PYTHONPATH": os.getcwd()}
            env.pop("DATABASE_URL", None)
            if db == "postgres":
                env["DATABASE_URL"] = fresh_postgres(args.pg)
            seeded = run("seed", env, str(args.contacts))
            result = run("preview", env)
            verdict = "ok" if result["wall"] <= TARGET_SECONDS else "OVER TARGET"
            print(
                f"{db}: seeded {seeded['seeded']:,} contacts in {seeded['seconds']} s; preview "
                f"of all five rules {result['wall']} s wall, {result['cpu']} s CPU, "
                f"peak RSS {result['rss_mb']} MB (target {TARGET_SECONDS} s: {verdict})"
            )
            print("  would change: " + ", ".join(f"{k} {v:,}" for k, v in result["rules"].items()))
            if args.apply:
                job = run("apply", env)
                print(
                    f"  apply (the job inline, chunks of 500): {job['apply']} s, "
                    f"{job['changed']:,} changed; whole-run revert: {job['revert']} s"
                )
    print(f"load average after: {load()}")


if __name__ == "__main__":
    main()
