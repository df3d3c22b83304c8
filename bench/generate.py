"""Generate the benchmark inputs: a ~10 MB Google Contacts CSV (2023+ layout) and a ~10 MB
vCard 3.0 file, with realistic names and phone numbers written the ways people write them
in several countries. Deterministic (seeded), so runs compare.

    python bench/generate.py OUT_DIR [--bytes 10000000]

Writes OUT_DIR/contacts.csv, OUT_DIR/contacts.vcf and OUT_DIR/existing.json (the emails of
the ~10 % of rows that the benchmark seeds into the workspace before importing)."""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import unicodedata
from pathlib import Path

GIVEN = [
    "Ana", "Bruno", "Chen", "Dana", "Elif", "Farah", "Giulia", "Hiro", "Ines", "Jonas", "Kemal",
    "Lena", "Mateo", "Nadia", "Omar", "Priya", "Quentin", "Rosa", "Sven", "Tomás", "Uma",
    "Viktor", "Wen", "Xavier", "Yara", "Zoë", "Åsa", "Björn", "Émile", "Łukasz",
]  # fmt: skip
FAMILY = [
    "Lima", "Schmidt", "Nakamura", "Okafor", "García", "Rossi", "Dubois", "Kowalski", "Nguyen",
    "Andersson", "Murphy", "Yılmaz", "Silva", "Müller", "Haddad", "Ivanova", "Kim", "Patel",
    "O'Brien", "van der Berg",
]  # fmt: skip
COMPANIES = [
    "Acme Corp", "Globex", "Initech", "Umbrella GmbH", "Stark Industries", "Wayne Enterprises",
    "Hooli", "Vandelay Import/Export", "Soylent S.A.", "Tyrell KK", "",
]  # fmt: skip
CITIES = [
    ("Springfield", "IL", "62701", "United States"), ("Berlin", "", "10115", "Germany"),
    ("London", "", "SW1A 1AA", "United Kingdom"), ("Paris", "", "75001", "France"),
    ("Tokyo", "", "100-0001", "Japan"), ("Toronto", "ON", "M5H 2N2", "Canada"),
]  # fmt: skip


def base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
        if not number:
            return text


def ascii_local(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in folded if c.isascii() and (c.isalnum() or c == "."))


def phone(rng: random.Random) -> str:
    """A number as people type it: with or without country code, in local punctuation."""
    kind = rng.randrange(8)
    a, b, c = rng.randrange(201, 990), rng.randrange(200, 999), rng.randrange(0, 10000)
    if kind == 0:
        return f"({a}) {b}-{c:04d}"
    if kind == 1:
        return f"+1 {a}-{b}-{c:04d}"
    if kind == 2:
        return f"{a}.{b}.{c:04d}"
    if kind == 3:
        return f"+49 30 {rng.randrange(1000000, 99999999)}"
    if kind == 4:
        return f"+44 7{rng.randrange(100, 999)} {rng.randrange(100000, 999999)}"
    if kind == 5:
        pairs = " ".join(str(rng.randrange(10, 99)) for _ in range(4))
        return f"+33 6 {pairs}"
    if kind == 6:
        return f"0044 20 {rng.randrange(1000, 9999)} {rng.randrange(1000, 9999)}"
    return f"+81 3-{rng.randrange(1000, 9999)}-{rng.randrange(1000, 9999)}"


def birthday(rng: random.Random) -> str:
    return f"19{rng.randrange(50, 99)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"


def person(rng: random.Random, index: int) -> dict[str, object]:
    given, family = rng.choice(GIVEN), rng.choice(FAMILY)
    local = ascii_local(f"{given[0]}{family}.{base36(index)}")
    emails = [f"{local}@example.com"] + ([f"{local}@home.example"] if rng.random() < 0.15 else [])
    phones = [phone(rng) for _ in range(rng.choice((1, 1, 1, 1, 2, 3)))]
    city = rng.choice(CITIES)
    return {
        "given": given, "family": family, "org": rng.choice(COMPANIES),
        "title": rng.choice(("", "", "", "Engineer", "Sales", "CEO", "Designer")),
        "emails": emails, "phones": phones, "city": city,
        "street": f"{rng.randrange(1, 999)} Main Street",
        "notes": rng.choice(("", "", "", "Met at a conference.", "Prefers email.\nCall at 3.")),
        "has_address": rng.random() < 0.2,
        "birthday": rng.choice(("", birthday(rng))),
        "labels": rng.choice(("* myContacts", "* myContacts ::: Clients", "* myContacts ::: VIP")),
    }  # fmt: skip


GOOGLE_HEADER = [
    "First Name", "Middle Name", "Last Name", "Name Prefix", "Name Suffix", "Nickname",
    "Organization Name", "Organization Title", "Organization Department", "Birthday", "Notes",
    "Labels", "E-mail 1 - Label", "E-mail 1 - Value", "E-mail 2 - Label", "E-mail 2 - Value",
    "Phone 1 - Label", "Phone 1 - Value", "Phone 2 - Label", "Phone 2 - Value",
    "Address 1 - Label", "Address 1 - Street", "Address 1 - City", "Address 1 - Region",
    "Address 1 - Postal Code", "Address 1 - Country",
]  # fmt: skip


def google_row(p: dict) -> list[str]:
    emails, phones = p["emails"], p["phones"]
    city = p["city"] if p["has_address"] else ("", "", "", "")
    street = p["street"] if p["has_address"] else ""
    phone2 = " ::: ".join(phones[1:])
    return [
        p["given"], "", p["family"], "", "", "", p["org"], p["title"], "", p["birthday"],
        p["notes"], p["labels"], "* Work", emails[0], "Home" if len(emails) > 1 else "",
        emails[1] if len(emails) > 1 else "", "Mobile", phones[0], "Work" if phone2 else "",
        phone2, "Work" if street else "", street, city[0], city[1], city[2], city[3],
    ]  # fmt: skip


def vcard(p: dict) -> str:
    city = p["city"]
    lines = [
        "BEGIN:VCARD", "VERSION:3.0", f"N:{p['family']};{p['given']};;;",
        f"FN:{p['given']} {p['family']}",
    ]  # fmt: skip
    if p["org"]:
        lines.append(f"ORG:{p['org']}")
    if p["title"]:
        lines.append(f"TITLE:{p['title']}")
    for index, email in enumerate(p["emails"]):
        lines.append(f"EMAIL;TYPE=INTERNET,{'WORK,pref' if index == 0 else 'HOME'}:{email}")
    for index, number in enumerate(p["phones"]):
        lines.append(f"TEL;TYPE={'CELL' if index == 0 else 'WORK'}:{number}")
    if p["has_address"]:
        lines.append(f"ADR;TYPE=WORK:;;{p['street']};{city[0]};{city[1]};{city[2]};{city[3]}")
    if p["birthday"]:
        lines.append(f"BDAY:{p['birthday']}")
    if p["notes"]:
        lines.append("NOTE:" + str(p["notes"]).replace("\n", "\\n"))
    lines.append("END:VCARD")
    return "\r\n".join(lines) + "\r\n"


def write_csv(path: Path, rng: random.Random, budget: int) -> list[dict]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(GOOGLE_HEADER)
    people: list[dict] = []
    size = 0
    while True:
        p = person(rng, len(people))
        row = io.StringIO()
        csv.writer(row, lineterminator="\r\n").writerow(google_row(p))
        size += len(row.getvalue().encode())
        if size > budget:
            break
        writer.writerow(google_row(p))
        people.append(p)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return people


def write_vcf(path: Path, rng: random.Random, budget: int, first_index: int) -> None:
    cards: list[str] = []
    size = 0
    while True:
        card = vcard(person(rng, first_index + len(cards)))
        size += len(card.encode())
        if size > budget:
            break
        cards.append(card)
    path.write_text("".join(cards), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--bytes", type=int, default=10_000_000, help="size of each file")
    parser.add_argument("--match-share", type=float, default=0.10)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(20261203)
    people = write_csv(args.out / "contacts.csv", rng, args.bytes)
    write_vcf(args.out / "contacts.vcf", rng, args.bytes, first_index=len(people))
    existing = [p["emails"][0] for p in rng.sample(people, int(len(people) * args.match_share))]
    (args.out / "existing.json").write_text(json.dumps(existing))
    print(f"contacts.csv: {(args.out / 'contacts.csv').stat().st_size:,} bytes, {len(people)} rows")
    print(f"contacts.vcf: {(args.out / 'contacts.vcf').stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
