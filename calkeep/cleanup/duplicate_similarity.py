"""String comparisons for the duplicate finder: Jaro-Winkler, a Soundex code for blocking,
and near-equality of short codes (dates, postcodes). Pure and dependency-free; names and
addresses arrive folded (lower-case, no accents) from `duplicates.match_record`."""

from __future__ import annotations

_SOUNDEX = {
    **dict.fromkeys("bfpv", "1"),
    **dict.fromkeys("cgjkqsxz", "2"),
    **dict.fromkeys("dt", "3"),
    "l": "4",
    **dict.fromkeys("mn", "5"),
    "r": "6",
}


def jaro_winkler(a: str, b: str) -> float:
    """Winkler's variant of the Jaro similarity (prefix scale 0.1, at most 4 characters):
    1.0 for equal strings, 0.0 when nothing matches or a side is empty."""
    if a == b:
        return 1.0 if a else 0.0
    if not a or not b:
        return 0.0
    if len(a) > len(b):
        a, b = b, a
    short, long_ = len(a), len(b)
    window = max(long_ // 2 - 1, 0)
    taken = [False] * long_
    matched_a: list[str] = []
    for i, char in enumerate(a):
        start = max(0, i - window)
        end = min(long_, i + window + 1)
        j = b.find(char, start, end)
        while j != -1 and taken[j]:
            j = b.find(char, j + 1, end)
        if j != -1:
            taken[j] = True
            matched_a.append(char)
    matches = len(matched_a)
    if not matches:
        return 0.0
    matched_b = [b[j] for j in range(long_) if taken[j]]
    halves = sum(1 for x, y in zip(matched_a, matched_b, strict=True) if x != y)
    jaro = (matches / short + matches / long_ + (matches - halves / 2) / matches) / 3
    prefix = 0
    for x, y in zip(a[:4], b[:4], strict=False):
        if x != y:
            break
        prefix += 1
    return jaro + prefix * 0.1 * (1.0 - jaro)


def soundex(word: str) -> str:
    """American Soundex of a folded word (`robert` -> `r163`); empty for no letters.
    Only for blocking: it keeps `hannagan`/`hanagan` together and costs a dict lookup."""
    letters = [c for c in word if "a" <= c <= "z"]
    if not letters:
        return ""
    code = [letters[0]]
    last = _SOUNDEX.get(letters[0], "")
    for char in letters[1:]:
        digit = _SOUNDEX.get(char, "")
        if digit and digit != last:
            code.append(digit)
            if len(code) == 4:
                break
        if char not in "hw":
            last = digit
    return "".join(code).ljust(4, "0")


def one_edit_apart(a: str, b: str) -> bool:
    """Same length and one character changed, or two neighbours swapped: the typing slips
    that turn 2257 into 2275 or 1977-05-01 into 1977-05-10."""
    if len(a) != len(b) or a == b:
        return False
    diffs = [i for i in range(len(a)) if a[i] != b[i]]
    if len(diffs) == 1:
        return True
    return (
        len(diffs) == 2
        and diffs[1] == diffs[0] + 1
        and a[diffs[0]] == b[diffs[1]]
        and a[diffs[1]] == b[diffs[0]]
    )


def token_overlap(a: tuple[str, ...], b: tuple[str, ...], close: float = 0.9) -> float:
    """Monge-Elkan style: the share of the shorter side's words that have an equal or
    close (Jaro-Winkler >= `close`) word on the other side. Word order does not matter,
    so a street and a building name written in either order still agree."""
    if not a or not b:
        return 0.0
    if len(a) > len(b):
        a, b = b, a
    others = set(b)
    found = 0
    for word in a:
        if word in others or any(jaro_winkler(word, other) >= close for other in b):
            found += 1
    return found / len(a)
