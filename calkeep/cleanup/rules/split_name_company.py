"""Split business names: `Dana Whitfield (Acme Corp)` -> name `Dana Whitfield`, organization
`Acme Corp`, the way Outlook's "File As", Google's single Name column and many CRMs export
a contact's company inside the name.

- Only a parenthesis that ends the name, in every name field that has one (display name,
  given, middle and family name); when those fields disagree about it, nothing changes.
- Only when the organization is empty (or already says the same company: then the name
  alone is cleaned); an organization a person entered is never replaced.
- Not for what people put in parentheses that is no company: suffixes and degrees
  (`Jr.`, `PhD`), pronouns (`she/her`), nicknames (`Bob`, `Kate` for Katherine), notes to
  self (`home`, `old`, `2`, `do not call`), relations (`Mom`), maiden names (`née Smith`),
  places (`Germany`), phone numbers and addresses. A name with a parenthesis inside
  (`Robert (Bob) Smith`) is not touched either.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from calkeep.formats.countries import country_code

NAME_FIELDS = ("display_name", "given_name", "middle_name", "family_name")
ORGANIZATION_MAX = 500

# "<name> (<inside>)" at the end; the name itself must not end in another parenthesis.
_TRAILING = re.compile(r"^(?P<name>.*[^\s()])\s*\((?P<inside>[^()]*)\)\s*$", re.DOTALL)
_WORD = re.compile(r"[^\W\d_]+")
_DIGIT = re.compile(r"\d")
_ACRONYM = re.compile(r"[A-Z][A-Z&.\-]*[A-Z]\.?")


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_COMPANY_WORDS = _set(
    "inc incorporated corp corporation co company llc llp lp ltd limited plc gmbh ag kg ug sa "
    "sas sarl srl spa bv nv oy ab as asa aps pty kk group holding holdings partners associates "
    "bank university college school hospital clinic institute foundation agency consulting "
    "solutions systems technologies technology labs studio studios media realty law legal "
    "capital ventures services industries international global"
)
_NOT_COMPANY = _set(
    # suffixes, degrees and honours
    "jr jnr sr snr ii iii iv v vi phd md dds dmd dvm do rn np pa esq cpa cfa mba jd llm pe "
    "obe mbe cbe ret retired deceased rip "
    # notes to self
    "home work office business personal private mobile cell fax pager phone landline main "
    "alt alternate backup primary secondary old new current former previous temp tmp test "
    "dup duplicate copy unknown n/a na none other misc do not use call dnd ok vip spam "
    # relations and roles
    "me mom mum mother dad father parents brother sister bro sis son daughter wife husband "
    "partner spouse fiance fiancé fiancee fiancée boyfriend girlfriend aunt auntie uncle "
    "cousin grandma grandpa grandmother grandfather granny nana niece nephew baby kid kids "
    "family friend neighbor neighbour boss colleague coworker landlord landlady tenant nanny "
    "babysitter doctor dr dentist vet lawyer accountant plumber electrician realtor "
    "contractor mechanic teacher coach tutor"
)
_NOT_COMPANY_OPENINGS = (
    "née ", "nee ", "geb. ", "geb ", "born ", "maiden", "formerly", "former ", "ex ", "ex-",
    "was ", "aka ", "a.k.a", "via ", "from ", "met ", "see ", "call ", "per ", "wife of",
    "husband of", "mother of", "father of", "son of", "daughter of", "friend of", "c/o ",
    "pronouns", "nickname",
)  # fmt: skip
_PRONOUNS = _set("she her hers he him his they them their theirs ze zir xe xem any all")
# Common English nicknames that share no opening with the full name (Bob for Robert);
# those that do (Kate for Katherine, Alex for Alexander) are caught by their opening.
_NICKNAMES = _set(
    "bob bobby rob robbie bill billy will willie liz lizzie beth betsy betty bess libby peggy "
    "maggie meg polly molly sally dick rick ricky rich hank jack jim jimmy jamie jen jenny jo "
    "joe joey mike mikey mick chuck charlie ted teddy ned ed eddie tom tommy tony andy drew "
    "dan danny dave davy sam sammy sandy ben benny matt nick nicky pete steve stevie chris kit "
    "kate katie kathy cathy kim tina patty pat trish sue suzy becky abby gabby nat nate fred "
    "freddie al bert bertie jeff greg ray ron ronnie don donnie larry harry hal jerry gerry "
    "terry kenny ken len lenny manny mandy ally allie cindy lucy nan nancy nell nellie ginny "
    "jenna jess jessie frankie frank gus max zach zack josh ike dot dottie bea trixie wendy "
    "winnie sid syd toby vic vicky"
)


def split_name_company(values: Mapping[str, Any], region: str) -> Mapping[str, Any]:
    found = _parentheses(values)
    if not found:
        return values
    insides = {_squash(inside).casefold() for _, inside in found.values()}
    if len(insides) != 1:
        return values
    inside = _squash(next(iter(found.values()))[1])
    organization = _squash(str(values.get("organization") or ""))
    if organization and organization.casefold() != inside.casefold():
        return values
    if not _is_company(inside, found, values):
        return values
    changed = {**values, **{f: name for f, (name, _) in found.items()}}
    if not organization:
        changed["organization"] = inside[:ORGANIZATION_MAX]
    return changed


def _parentheses(values: Mapping[str, Any]) -> dict[str, tuple[str, str]]:
    """Name field -> (the name before the parenthesis, what is inside it)."""
    found = {}
    for field in NAME_FIELDS:
        text = str(values.get(field) or "")
        if "(" not in text:
            continue
        match = _TRAILING.match(text)
        if match is None:
            return {}  # a parenthesis inside the name: a nickname or a note, not a company
        found[field] = (match["name"].strip(), match["inside"])
    return found


def _squash(text: str) -> str:
    return " ".join(text.split())


def _is_company(inside: str, found: dict[str, tuple[str, str]], values: Mapping[str, Any]) -> bool:
    words = [w.casefold() for w in _WORD.findall(inside)]
    if not words or len(_DIGIT.findall(inside)) >= 3 or "@" in inside or "/" in inside:
        return False  # a number, a phone, an address, an email, pronouns (she/her)
    folded = inside.casefold().strip(" .")
    if folded.startswith(_NOT_COMPANY_OPENINGS):
        return False  # `formerly Acme Corp`, `née Souza`: not where they are now
    if any(w in _COMPANY_WORDS for w in words):
        return True
    if folded in _NOT_COMPANY or all(w in _NOT_COMPANY or w in _PRONOUNS for w in words):
        return False
    if inside == inside.lower():
        return False  # `(met at the fair)`: companies are written with capitals
    if country_code(inside):
        return False  # a place, not an employer
    if len(words) == 1 and _is_nickname(words[0], found, values):
        return False
    return _looks_like_a_person(inside, found, values)


def _is_nickname(word: str, found: dict[str, tuple[str, str]], values: Mapping[str, Any]) -> bool:
    if word in _NICKNAMES:
        return True
    names = [n for n, _ in found.values()] + [str(values.get("given_name") or "")]
    for name in names:
        for part in _WORD.findall(name):
            part = part.casefold()
            if part == word or (len(word) >= 3 and part[:3] == word[:3]):
                return True
    return False


def _looks_like_a_person(
    inside: str, found: dict[str, tuple[str, str]], values: Mapping[str, Any]
) -> bool:
    """`Acme Widgets (London)` is a company with its branch, not a person at a company.
    With a given or family name the contact is a person; with a display name alone, the
    parenthesis needs more than a capital to be read as a company: an acronym (`IBM`)."""
    if str(values.get("given_name") or "").strip() or str(values.get("family_name") or "").strip():
        return True
    name = next(iter(found.values()))[0]
    words = [w.casefold() for w in _WORD.findall(name)]
    person = len(words) >= 2 and not any(w in _COMPANY_WORDS for w in words)
    return person and _ACRONYM.fullmatch(inside) is not None
