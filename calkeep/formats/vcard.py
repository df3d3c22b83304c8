"""vCard: the project's own tolerant reader and its writer (RFC 6350, RFC 2426, vCard 2.1).

`parse_vcard(data) -> ParsedFile` reads vCard 2.1, 3.0 and 4.0 as real programs export them;
`write_vcards(contacts, version) -> Iterator[str]` writes vCard 4.0 or 3.0 that reads back
unchanged. See vcard_read.py and vcard_write.py.
"""

from __future__ import annotations

from calkeep.formats.vcard_read import parse_vcard
from calkeep.formats.vcard_write import write_vcard, write_vcards

__all__ = ["parse_vcard", "write_vcard", "write_vcards"]
