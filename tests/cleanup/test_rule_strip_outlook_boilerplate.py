"""strip_outlook_boilerplate on notes as Outlook and Exchange leave them: the lone-period
paragraphs an RTF round trip adds each sync (CRLF, as Outlook writes), blank-line piles,
no-break-space lines, and the HTML page EWS and Outlook on the web hand out for a body."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from calkeep.cleanup.rules.strip_outlook_boilerplate import strip_outlook_boilerplate


def clean(notes: str) -> str:
    return str(strip_outlook_boilerplate({"notes": notes}, "US")["notes"])


# Five sync cycles between Outlook 2016 and a phone: a period paragraph per cycle.
SYNCED_FIVE_TIMES = (
    "Prefers calls after 3pm. Assistant: Maria (ext. 214).\r\n\r\n"
    ".\r\n\r\n.\r\n\r\n.\r\n\r\n.\r\n\r\n.\r\n\r\n"
)
# A note that started empty: only the accumulation is left.
ONLY_PERIODS = ".\r\n\r\n.\r\n\r\n.\r\n\r\n."
# EWS GetItem without BodyType=Text: the contact's notes as an HTML page.
EWS_HTML_BODY = (
    "<html>\r\n<head>\r\n"
    '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\r\n'
    '<meta content="text/html; charset=us-ascii">\r\n'
    '<style type="text/css" style="display:none;"> P {margin-top:0;margin-bottom:0;} </style>\r\n'
    "</head>\r\n"
    '<body dir="ltr">\r\n'
    '<div style="font-family: Calibri, Arial, Helvetica, sans-serif; font-size: 12pt;">\r\n'
    "Met at the Boston expo &amp; wants a demo in Q3.</div>\r\n"
    '<div style="font-family: Calibri, Arial, Helvetica, sans-serif; font-size: 12pt;"><br>\r\n'
    "</div>\r\n"
    '<div style="font-family: Calibri, Arial, Helvetica, sans-serif; font-size: 12pt;">\r\n'
    "Decision maker: &quot;Dana&quot;&nbsp;(CFO)</div>\r\n"
    "</body>\r\n</html>\r\n"
)
# A body edited in Outlook desktop, whose editor is Word: MsoNormal paragraphs, <o:p>.
WORD_HTML_BODY = (
    '<html xmlns:v="urn:schemas-microsoft-com:vml" '
    'xmlns:o="urn:schemas-microsoft-com:office:office">'
    '<head><meta http-equiv=Content-Type content="text/html; charset=us-ascii">'
    '<meta name=Generator content="Microsoft Word 15 (filtered medium)">'
    "<style><!-- p.MsoNormal {margin:0in;} --></style></head>"
    '<body lang=EN-US link="#0563C1"><div class=WordSection1>'
    "<p class=MsoNormal>Gate code 4411<o:p></o:p></p>"
    "<p class=MsoNormal><o:p>&nbsp;</o:p></p>"
    "<p class=MsoNormal>Dog is friendly<o:p></o:p></p>"
    "</div></body></html>"
)


def test_the_period_paragraphs_of_repeated_syncs_are_removed() -> None:
    assert clean(SYNCED_FIVE_TIMES) == "Prefers calls after 3pm. Assistant: Maria (ext. 214)."


def test_notes_holding_nothing_but_the_accumulation_become_empty() -> None:
    assert clean(ONLY_PERIODS) == ""
    assert clean(".") == ""


def test_a_pile_of_blank_and_period_lines_between_paragraphs_becomes_one_empty_line() -> None:
    notes = "Met at SaaStr.\n\n\n\n.\n\n\u00a0\n\u200b\nFollow up in May."
    assert clean(notes) == "Met at SaaStr.\n\nFollow up in May."


def test_a_leading_line_break_is_removed() -> None:
    # Microsoft Graph's personalNotes keep a leading line break Outlook put there.
    assert clean("\r\nCustomer since 2019") == "Customer since 2019"


def test_the_exchange_html_page_becomes_its_text() -> None:
    assert clean(EWS_HTML_BODY) == (
        'Met at the Boston expo & wants a demo in Q3.\n\nDecision maker: "Dana" (CFO)'
    )


def test_a_word_edited_html_body_becomes_its_paragraphs() -> None:
    assert clean(WORD_HTML_BODY) == "Gate code 4411\n\nDog is friendly"


def test_ordinary_notes_are_left_exactly_as_written() -> None:
    for notes in [
        "",
        "Likes golf.",
        "Line one\nLine two\n\nSecond paragraph",
        "Windows line ends\r\nare the same text\r\n",
        "Ends with one line break\n",
        "An ellipsis...\n\nand more.",
        "  indented first line",
        "Paragraph\n   \nwith a space-only line between",
        "<b>not a whole html page</b>",
        "Price: 3.50\n.5 discount",
    ]:
        values = {"notes": notes, "display_name": "X"}
        assert strip_outlook_boilerplate(values, "US") is values, notes


def test_other_fields_are_not_touched() -> None:
    values = {"notes": "Hi\n\n.\n\n.", "display_name": "Ana", "phones": [{"raw": "1"}]}
    result = strip_outlook_boilerplate(values, "US")
    assert result == {**values, "notes": "Hi"}
    assert values["notes"] == "Hi\n\n.\n\n."  # the input is not modified


_NOTE_LINES = st.lists(
    st.sampled_from(["", ".", " . ", "\u00a0", "\u200b", "Call Ana", "  x  ", "<p>", "..."])
    | st.text(max_size=12),
    max_size=12,
)


@given(_NOTE_LINES, st.sampled_from(["\n", "\r\n", "\r"]))
def test_a_second_pass_changes_nothing(lines: list[str], newline: str) -> None:
    once = strip_outlook_boilerplate({"notes": newline.join(lines)}, "US")
    assert strip_outlook_boilerplate(once, "US") is once


@given(st.text())
def test_a_second_pass_over_any_text_changes_nothing(notes: str) -> None:
    once = strip_outlook_boilerplate({"notes": notes}, "US")
    assert strip_outlook_boilerplate(once, "US") is once
