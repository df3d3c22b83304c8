"""The codec-independent half of reading a row."""

from __future__ import annotations

from calkeep.formats.draft import ContactDraft, ParsedRow, PhoneDraft
from calkeep.formats.normalize import finish_row


def test_an_import_keeps_a_cell_that_lost_its_zero_as_written_and_flags_it() -> None:
    draft = ContactDraft(given_name="Ann", phones=[PhoneDraft("7911123456")])
    row = finish_row(ParsedRow(1, draft), "GB")
    assert row.draft is not None and row.draft.phones[0].e164 is None
    assert row.draft.phones[0].raw == "7911123456"
    assert [w.code for w in row.warnings] == ["phone_lost_leading_zero"]


def test_a_tel_uri_in_any_format_keeps_its_number_and_extension_without_the_scheme() -> None:
    draft = ContactDraft(given_name="Ann", phones=[PhoneDraft("tel:+1-201-555-0123;ext=45")])
    row = finish_row(ParsedRow(1, draft), "US")
    assert row.draft is not None
    phone = row.draft.phones[0]
    assert (phone.raw, phone.extension, phone.e164) == ("+1-201-555-0123", "45", "+12015550123")


def test_a_name_longer_than_a_contact_holds_is_a_row_error_naming_the_field() -> None:
    draft = ContactDraft(given_name="G" * 256, organization="O" * 500)
    row = finish_row(ParsedRow(1, draft), "US")
    assert [(e.field, e.code) for e in row.errors] == [("given_name", "too_long")]
    assert "256 characters" in row.errors[0].message
    assert "at most 255" in row.errors[0].message


def test_many_rows_finish_the_same_whether_a_child_parses_part_of_their_numbers() -> None:
    """finish_rows hands the numbers of the last rows to a forked child (which cleans its
    copy of them first) when there are many; the rows come out the same as in one
    process, also when the child fails and its share is done here after all (on rows
    cleaned once: `tel:tel:` loses one scheme per cleaning). Run in a fresh interpreter: a
    process with other threads (xdist's) never forks."""
    import subprocess
    import sys
    import textwrap

    script = textwrap.dedent("""
        import os, random
        from calkeep.formats import normalize, phones
        from calkeep.formats.draft import (
            AddressDraft, ContactDraft, EmailDraft, ParsedRow, PhoneDraft,
        )
        from calkeep.lib import forked

        def make_rows():
            rng = random.Random(5)
            countries = ["Germany", "France", "Japan", "United States", "", " Brasil "]
            numbers = ["0151 {a}{b}", "+44 20 7946 {b}", "tel:+1-201-555-{b};ext=7", "4.47E+11",
                       "(030) {a}-{b}", "  +81 3-{a}-{b} ", "{a}{b}", "+999 {a}",
                       "tel:tel:+1 201 555 {b}"]
            rows = []
            for i in range(11_000):
                a, b = rng.randint(1000, 9999), rng.randint(1000, 9999)
                draft = ContactDraft(
                    given_name=f" Person {i} ",
                    emails=[EmailDraft(rng.choice([f"p{i}@example.org", f"p{i}@@x", " P@x.org "]))],
                    phones=[PhoneDraft(rng.choice(numbers).format(a=a, b=b)) for _ in range(2)],
                    addresses=[AddressDraft(city="City", country=rng.choice(countries))],
                )
                rows.append(ParsedRow(i + 2, draft))
            return rows

        forks = []
        made = forked.Background.__init__
        def counting(self, *args, **kwargs):
            made(self, *args, **kwargs)
            forks.append(self.forked)
        forked.Background.__init__ = counting

        def finished():
            rows = make_rows()
            phones._RESULTS.clear()
            normalize.finish_rows(rows, "US")
            return [(r.line, r.draft.to_dict(), [(w.field, w.code, w.message) for w in r.warnings],
                     [(e.field, e.code) for e in r.errors]) for r in rows]

        together = finished()
        assert forks == [True], forks
        def failing(function, items, unused, out):
            os._exit(1)
        forked._run_child = failing
        assert finished() == together
        assert forks == [True, True], forks
        normalize._FORK_MIN_NUMBERS = 10**9
        forked.can_fork = lambda: False
        alone = finished()
        assert together == alone
        assert sum(len(row[2]) for row in alone) > 1000  # the rows have their problems
        assert any(p["raw"].startswith("tel:+1 201 555") for row in alone for p in row[1]["phones"])
        print("ok")
    """)
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-3000:]
