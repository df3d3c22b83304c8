"""The duplicate finder (PRODUCT.md "Identity and duplicates"). Pure: it takes lightweight
records built from contact values and returns groups; no models, no database.

- A shared normalized email makes two contacts the same person: reason "email", score 1.
- A shared E.164 phone makes them a candidate: reason "phone".
- Otherwise a similar name with corroborating evidence (birthday, street address,
  postcode, city, company, email local part): reason "name+birthday", "name+company", ...
  The same name alone never groups two people: a pair needs at least one agreeing piece of
  evidence besides the name, and enough weight in total.

Scoring follows Fellegi and Sunter: each field adds log2(m/u) when it agrees, where u, the
chance that two different people agree on it, comes from how common the value is in the
book (a shared "Smith" says less than a shared "Hannagan"), and subtracts when it disagrees.
Blocking keeps the scan from comparing all pairs: only records sharing a key (a name code
with a birthday, a postcode, a city or a company; a street number with a postcode; an email
local part; a name code pair) are compared, and an oversized block is compared only
between neighbours in name order. Groups are the connected pairs (union-find)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from calkeep.cleanup.duplicate_scoring import PairScorer
from calkeep.cleanup.duplicate_similarity import soundex
from calkeep.formats.emails import normalize_email
from calkeep.lib.text import fold_for_search

# Generic mailbox names say nothing about the person behind them.
GENERIC_LOCAL_PARTS = frozenset((
    "info", "contact", "contacts", "admin", "office", "sales", "hello", "hi", "mail", "email",
    "support", "noreply", "team", "billing", "accounts", "accounting", "enquiries", "inquiries",
    "help", "service", "webmaster", "postmaster", "reception", "hr", "jobs", "careers",
    "marketing", "press", "news", "orders", "booking", "bookings",
))  # fmt: skip
ORGANIZATION_SUFFIXES = frozenset((
    "inc", "incorporated", "llc", "ltd", "limited", "gmbh", "corp", "corporation", "co",
    "company", "sa", "ag", "bv", "plc", "pty", "srl", "sarl", "kk", "oy", "ab", "as", "nv",
    "spa", "the",
))  # fmt: skip

MAX_BLOCK = 25  # a bigger block is compared between neighbours in name order only
WINDOW = 4


@dataclass(slots=True)
class MatchRecord:
    """What the finder needs of a contact, already folded and normalized."""

    id: int
    rank: int  # creation order: lower is older
    given: str = ""
    family: str = ""
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    organization: str = ""
    city: str = ""
    postcode: str = ""
    street_words: tuple[str, ...] = ()
    street_numbers: tuple[str, ...] = ()
    birthday: str = ""
    email_locals: tuple[str, ...] = field(default=())
    name_codes: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if not self.email_locals:
            self.email_locals = email_local_parts(self.emails)
        if not self.name_codes:
            self.name_codes = name_codes(self.given, self.family)


@dataclass(frozen=True)
class DuplicateGroup:
    contact_ids: list[int]  # oldest first: the first one is the one a merge keeps
    reason: str  # "email" | "phone" | "name+<evidence>"
    score: float  # 0.0-1.0

    def as_json(self) -> dict[str, Any]:
        return {"contact_ids": self.contact_ids, "reason": self.reason, "score": self.score}


# -- building records ----------------------------------------------------------------------
def match_record(contact_id: int, rank: int, values: Mapping[str, Any]) -> MatchRecord:
    """A record from a contact's values (the contract's shape)."""
    given, family = _names(values)
    address: Mapping[str, Any] = next(
        (a for a in values.get("addresses") or () if _has_place(a)), {}
    )
    street = fold_for_search(f"{address.get('street') or ''} {address.get('extended') or ''}")
    words = street.replace(",", " ").split()
    birthday = values.get("birthday") or ""
    return MatchRecord(
        id=contact_id,
        rank=rank,
        given=given,
        family=family,
        emails=_unique(
            normalize_email(str(e.get("value") or "")) for e in values.get("emails") or []
        ),
        phones=_unique(str(p.get("e164") or "") for p in values.get("phones") or []),
        organization=organization_key(str(values.get("organization") or "")),
        city=fold_for_search(str(address.get("city") or "")),
        postcode=fold_for_search(str(address.get("postcode") or "")).replace(" ", ""),
        street_words=tuple(w for w in words if not w.isdigit()),
        street_numbers=tuple(w for w in words if w.isdigit()),
        birthday=str(birthday),
    )


def _names(values: Mapping[str, Any]) -> tuple[str, str]:
    given = fold_for_search(str(values.get("given_name") or ""))
    family = fold_for_search(str(values.get("family_name") or ""))
    if given or family:
        return given, family
    words = fold_for_search(str(values.get("display_name") or "")).split()
    if not words or "@" in words[0]:
        return "", ""
    return (words[0], " ".join(words[1:])) if len(words) > 1 else (words[0], "")


def _has_place(address: Mapping[str, Any]) -> bool:
    return any(address.get(k) for k in ("street", "extended", "city", "postcode"))


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))


def name_codes(given: str, family: str) -> tuple[str, ...]:
    """Blocking codes of each name: its Soundex and its first three letters, so a typo
    that changes the sound or one that changes the start still leaves a key in common."""
    codes = set()
    for name in (given, family):
        if name:
            codes.add(soundex(name))
            codes.add(name.replace(" ", "")[:3])
    return tuple(sorted(codes))


def email_local_parts(emails: Iterable[str]) -> tuple[str, ...]:
    """`Ana.Lima+news@x.com` -> `analima`; generic and very short mailboxes are left out."""
    parts = []
    for email in emails:
        local = email.rpartition("@")[0].split("+")[0]
        if local in GENERIC_LOCAL_PARTS:
            continue
        compact = "".join(c for c in local if c.isalnum())
        if len(compact) >= 4:
            parts.append(compact)
    return _unique(parts)


def organization_key(name: str) -> str:
    words = fold_for_search(name).replace(",", " ").replace(".", " ").split()
    kept = [w for w in words if w not in ORGANIZATION_SUFFIXES]
    return " ".join(kept or words)


# -- the scan -------------------------------------------------------------------------------
def find_duplicate_groups(records: Sequence[MatchRecord]) -> list[DuplicateGroup]:
    """Groups of two or more records, the likeliest first."""
    scorer = PairScorer(records)
    edges: list[tuple[float, str, int, int]] = []
    for email_block in _email_blocks(records).values():
        first = email_block[0]
        edges.extend((1.0, "email", first, other) for other in email_block[1:])
    for i, j in candidate_pairs(records):
        verdict = scorer.compare(i, j)
        if verdict is not None:
            edges.append((verdict[0], verdict[1], i, j))
    return _groups(records, edges)


def _email_blocks(records: Sequence[MatchRecord]) -> dict[str, list[int]]:
    blocks: dict[str, list[int]] = {}
    for index, record in enumerate(records):
        for email in record.emails:
            blocks.setdefault(email, []).append(index)
    return {k: v for k, v in blocks.items() if len(v) > 1}


def blocking_keys(record: MatchRecord) -> list[str]:
    """The keys that put a record in a block. Name codes go with a value that is rare
    among people (a birthday, a postcode); the family name's codes also with a city, a
    company or a street number. A given name is too common for those."""
    keys = [f"p|{p}" for p in record.phones]
    keys += [f"l|{local}" for local in record.email_locals]
    number = record.street_numbers[0] if record.street_numbers else ""
    for code in record.name_codes:
        if record.birthday:
            keys.append(f"nb|{code}|{record.birthday}")
        if record.postcode:
            keys.append(f"np|{code}|{record.postcode}")
    if record.family:
        # With the given name's initial: a family name alone is too common beside a city or
        # a company. Companies are few in a book, so that key gets the Soundex code only.
        initial = record.given[:1]
        sound = soundex(record.family) + initial
        family = {sound, record.family.replace(" ", "")[:3] + initial}
        city = soundex(record.city) if record.city else ""
        if record.organization:
            keys.append(f"fo|{sound}|{record.organization}")
        for code in family:
            if city:
                keys.append(f"fc|{code}|{city}")
            if number:
                keys.append(f"fs|{code}|{number}")
    if record.birthday and record.postcode:
        keys.append(f"bp|{record.birthday}|{record.postcode}")
    if number and record.postcode:
        keys.append(f"ap|{number}|{record.postcode}")
    return keys


def candidate_pairs(records: Sequence[MatchRecord]) -> set[tuple[int, int]]:
    blocks: dict[str, list[int]] = {}
    for index, record in enumerate(records):
        for key in blocking_keys(record):
            blocks.setdefault(key, []).append(index)
    pairs: set[tuple[int, int]] = set()
    for members in blocks.values():
        if len(members) < 2:
            continue
        if len(members) > MAX_BLOCK:
            members = sorted(members, key=lambda i: (records[i].family, records[i].given))
            for offset, i in enumerate(members):
                for j in members[offset + 1 : offset + 1 + WINDOW]:
                    pairs.add((i, j) if i < j else (j, i))
            continue
        for offset, i in enumerate(members):
            for j in members[offset + 1 :]:
                pairs.add((i, j))
    return pairs


def _groups(
    records: Sequence[MatchRecord], edges: list[tuple[float, str, int, int]]
) -> list[DuplicateGroup]:
    """Union-find over the edges, strongest first. A group is reported with the reason and
    score of the weakest edge that joined it: everything in it is at least that likely."""
    parent = list(range(len(records)))
    weakest: dict[int, tuple[float, str]] = {}

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for score, reason, i, j in sorted(edges, key=lambda e: -e[0]):
        a, b = root(i), root(j)
        if a == b:
            continue
        parent[b] = a
        weakest[a] = (score, reason)
        weakest.pop(b, None)
    members: dict[int, list[int]] = {}
    for index in range(len(records)):
        members.setdefault(root(index), []).append(index)
    groups = []
    for top, indexes in members.items():
        if len(indexes) < 2:
            continue
        ordered = sorted((records[i] for i in indexes), key=lambda r: (r.rank, r.id))
        score, reason = weakest[top]
        groups.append(DuplicateGroup([r.id for r in ordered], reason, round(score, 3)))
    groups.sort(key=lambda g: (-g.score, g.contact_ids[0]))
    return groups
