"""Scoring a candidate pair for the duplicate finder. Weights are bits, after Fellegi and
Sunter: a field that agrees adds log2(m/u), where u, the chance that two different people
agree on it, comes from how common the value is in this book (a shared "Smith" says less
than a shared "Hannagan"); a field that disagrees subtracts. Floors on u keep a small book
from treating every value as rare. Pure; the per-record weights are computed once."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from calkeep.cleanup.duplicate_similarity import jaro_winkler, one_edit_apart, token_overlap

if TYPE_CHECKING:
    from calkeep.cleanup.duplicates import MatchRecord

M = 0.95  # chance that a field agrees for the same person (typos and changes aside)
THRESHOLD = 20.0  # total weight from which a name-based pair is a duplicate
NAME_MIN = 4.0  # one name part (given or family) must agree at least this much
EVIDENCE_MIN = 3.0  # and one field other than the name at least this much
SHARED_LINE = 10  # a phone on more contacts than this is a switchboard, not a person
DISAGREE = -4.0
PRIOR = 1000  # how many records' worth of general knowledge the frequencies start from

Verdict = tuple[float, str]


class PairScorer:
    def __init__(self, records: Sequence[MatchRecord]) -> None:
        self.records = records
        total = max(len(records), 1)

        def weights(values: list[str], floor: float, cap: float) -> list[float]:
            """u = the share of the other records with this value, pulled towards `floor`
            as if PRIOR records with the population's spread were in the book too."""
            counts = Counter(v for v in values if v)
            base = total - 1 + PRIOR
            return [
                min(math.log2(M / max((counts[v] - 1 + floor * PRIOR) / base, floor)), cap)
                if v
                else 0.0
                for v in values
            ]

        self.given_w = weights([r.given for r in records], 0.002, 10.0)
        self.family_w = weights([r.family for r in records], 0.0005, 12.0)
        self.city_w = weights([r.city for r in records], 0.002, 7.0)
        self.postcode_w = weights([r.postcode for r in records], 0.0005, 9.0)
        self.company_w = weights([r.organization for r in records], 0.002, 8.0)
        phones = Counter(p for r in records for p in r.phones)
        self.shared_lines = {p for p, n in phones.items() if n > SHARED_LINE}
        self._similar: dict[tuple[str, str], float] = {}

    def similarity(self, a: str, b: str) -> float:
        key = (a, b) if a < b else (b, a)
        found = self._similar.get(key)
        if found is None:
            found = self._similar[key] = jaro_winkler(a, b)
        return found

    def compare(self, i: int, j: int) -> Verdict | None:
        """(score, reason) when records i and j belong together, else None."""
        a, b = self.records[i], self.records[j]
        shared_phone = bool(a.phones and b.phones and not set(a.phones).isdisjoint(b.phones))
        if shared_phone and self.shared_lines:
            shared_phone = bool((set(a.phones) & set(b.phones)) - self.shared_lines)
        name, best_part = self.name_weight(i, j)
        if best_part < NAME_MIN and not shared_phone:
            return None
        total, kind, strongest = self.evidence(i, j)
        total += name
        score = probability(total)
        if shared_phone:
            return max(score, 0.5), "phone"
        if strongest < EVIDENCE_MIN or total < THRESHOLD:
            return None
        return score, "name+" + kind

    # -- names ------------------------------------------------------------------------------
    def name_weight(self, i: int, j: int) -> tuple[float, float]:
        """The names' weight, and that of the better-agreeing part alone; given and family
        compared straight, or crosswise when that agrees better (swapped fields)."""
        a, b = self.records[i], self.records[j]
        gw, fw = self.given_w, self.family_w
        given = gw[i] if a.given == b.given else self.part(a.given, b.given, gw[i], gw[j])
        family = fw[i] if a.family == b.family else self.part(a.family, b.family, fw[i], fw[j])
        best = (given + family, max(given, family))
        # Crosswise only when neither part agrees straight: otherwise it cannot do better.
        if given <= 0.0 and family <= 0.0 and a.given and a.family and b.given and b.family:
            given = self.part(a.given, b.family, gw[i], fw[j])
            family = self.part(a.family, b.given, fw[i], gw[j])
            best = max(best, (given + family - 1.0, max(given, family) - 1.0))
        return best

    def part(self, x: str, y: str, weight_x: float, weight_y: float) -> float:
        if not x or not y:
            return 0.0
        if x == y:
            return weight_x
        similarity = self.similarity(x, y)
        if similarity >= 0.94:
            return max(weight_x, weight_y) * 0.8  # the rarer spelling's weight
        if similarity >= 0.88:
            return max(weight_x, weight_y) * 0.5
        if len(x) == 1 or len(y) == 1:  # an initial
            return 2.0 if x[0] == y[0] else DISAGREE
        return DISAGREE

    # -- other evidence ---------------------------------------------------------------------
    def evidence(self, i: int, j: int) -> tuple[float, str, float]:
        """The other fields' total weight, and the kind and weight of the strongest one
        (in this order on a tie: the inner loop of a big scan, hence no lists)."""
        a, b = self.records[i], self.records[j]
        total, kind, strongest = 0.0, "", 0.0
        if a.email_locals and b.email_locals and not set(a.email_locals).isdisjoint(b.email_locals):
            total, kind, strongest = 8.0, "email", 8.0
        for name, weight in (
            ("birthday", birthday_weight(a.birthday, b.birthday) if a.birthday else 0.0),
            ("address", street_weight(a, b)),
            ("postcode", self.postcode(i, j) if a.postcode else 0.0),
            ("company", self.company(i, j) if a.organization else 0.0),
            ("city", self.city(i, j) if a.city else 0.0),
            ("phone", self.phone(a.phones, b.phones)),
        ):
            total += weight
            if weight > strongest:
                kind, strongest = name, weight
        return total, kind, strongest

    def phone(self, a: tuple[str, ...], b: tuple[str, ...]) -> float:
        if not a or not b:
            return 0.0
        shared = set(a) & set(b)
        if not shared:
            return -1.0  # people have several numbers
        return 10.0 if shared - self.shared_lines else 1.0  # a switchboard says little

    def postcode(self, i: int, j: int) -> float:
        a, b = self.records[i].postcode, self.records[j].postcode
        if not a or not b:
            return 0.0
        if a == b:
            return self.postcode_w[i]
        return 2.0 if one_edit_apart(a, b) else -3.0

    def city(self, i: int, j: int) -> float:
        a, b = self.records[i].city, self.records[j].city
        if not a or not b:
            return 0.0
        if a == b:
            return self.city_w[i]
        if self.similarity(a, b) >= 0.92:
            return max(self.city_w[i], self.city_w[j]) * 0.7
        return -2.0

    def company(self, i: int, j: int) -> float:
        a, b = self.records[i].organization, self.records[j].organization
        if not a or not b:
            return 0.0
        if a == b:
            return self.company_w[i]
        if token_overlap(tuple(a.split()), tuple(b.split())) >= 0.99:
            return 4.0  # "Acme" and "Acme Robotics"
        return -1.0  # people change jobs: a weak disagreement


def street_weight(a: MatchRecord, b: MatchRecord) -> float:
    if not (a.street_numbers or a.street_words) or not (b.street_numbers or b.street_words):
        return 0.0
    weight = 0.0
    if a.street_numbers and b.street_numbers:
        weight += 2.0 if set(a.street_numbers) & set(b.street_numbers) else -2.0
    if a.street_words and b.street_words:
        overlap = token_overlap(a.street_words, b.street_words)
        weight += 6.0 if overlap >= 0.99 else 3.0 if overlap >= 0.5 else -2.0
    return weight


def birthday_weight(a: str, b: str) -> float:
    """Dates are `YYYY-MM-DD` or `--MM-DD` (no year)."""
    if not a or not b:
        return 0.0
    if a == b:
        return 12.0 if not a.startswith("--") else 7.0
    if a[-5:] == b[-5:]:  # one has no year, or only the year differs
        return 5.0 if a.startswith("--") or b.startswith("--") else 1.0
    if one_edit_apart(a, b) or (a[:4] == b[:4] and a[5:7] == b[8:10] and a[8:10] == b[5:7]):
        return 5.0  # a typing slip, or day and month swapped
    return -5.0


def probability(total: float) -> float:
    """Bits of evidence to a 0-1 score: the threshold gives about 0.67, 12 bits more 0.94."""
    return 1.0 / (1.0 + 2.0 ** (-(total - THRESHOLD) / 4.0 - 1.0))
