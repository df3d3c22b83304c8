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


def test_a_large_file_reads_the_same_whether_a_child_starts_on_its_numbers() -> None:
    """Once most of a file with many numbers is read, a forked child parses the numbers of
    the rows read so far (normalize.EarlyNumbers); the rows come out the same as in one
    process, for CSV and vCard, and also when the child fails and its share is done here
    after all, on rows cleaned once (`tel:tel:` loses one scheme per cleaning); and the
    child's numbers are not parsed again here. Run in a fresh interpreter: a process with
    other threads (xdist's) never forks."""
    import subprocess
    import sys
    import textwrap

    script = textwrap.dedent("""
        import csv, io, os, random
        from calkeep.formats import normalize, phones, read_contacts
        from calkeep.lib import forked

        rng = random.Random(5)
        countries = ["Germany", "France", "Japan", "United States", "", " Brasil "]
        forms = ["0151 {a}{b}", "+44 20 7946 {b}", "tel:+1-201-555-{b};ext=7", "4.47E+11",
                 "(030) {a}-{b}", "  +81 3-{a}-{b} ", "{a}{b}", "+999 {a}",
                 "tel:tel:+1 201 555 {b}"]
        people = []
        for i in range(11_000):
            a, b = rng.randint(1000, 9999), rng.randint(1000, 9999)
            numbers = [rng.choice(forms).format(a=a, b=b) for _ in range(2)]
            email = rng.choice([f"p{i}@example.org", f"p{i}@@x", f" P{i}@Example.org "])
            people.append((f"Person{i}", email, numbers, rng.choice(countries)))
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["Given Name", "Family Name", "E-mail 1 - Value", "Phone 1 - Value",
                         "Phone 2 - Value", "Address 1 - City", "Address 1 - Country"])
        for name, email, numbers, country in people:
            writer.writerow([name, "Lima", email, *numbers, "City", country])
        csv_data = out.getvalue().encode()
        vcf_data = "".join(
            f"BEGIN:VCARD\\r\\nVERSION:3.0\\r\\nFN:{name} Lima\\r\\nN:Lima;{name};;;\\r\\n"
            f"EMAIL:{email}\\r\\n"
            + "".join(f"TEL;TYPE=cell:{n}\\r\\n" for n in numbers)
            + f"ADR:;;Street;City;;;{country}\\r\\nEND:VCARD\\r\\n"
            for name, email, numbers, country in people
        ).encode()

        forks = []
        made = forked.Background.__init__
        def counting(self, *args, **kwargs):
            made(self, *args, **kwargs)
            forks.append(self.forked)
        forked.Background.__init__ = counting
        run_child = forked._run_child
        def failing(function, items, unused, out):
            os._exit(1)

        parsed_here = []
        read_phone = phones.read_phone
        def counted(raw, region):
            parsed_here.append(raw)
            return read_phone(raw, region)
        phones.read_phone = counted

        def read(data, kind):
            phones._RESULTS.clear()
            parsed_here.clear()
            parsed = read_contacts(data, format=kind, region="US")
            return [(r.line, r.draft.to_dict() if r.draft else None,
                     [(w.field, w.code, w.message) for w in r.warnings],
                     [(e.field, e.code) for e in r.errors]) for r in parsed.rows]

        for data, kind in ((csv_data, "google_csv"), (vcf_data, "vcard")):
            forks.clear()
            forked._run_child = run_child
            normalize._FORK_MIN_NUMBERS = 20_000
            forked.can_fork = lambda: True
            early = read(data, kind)
            assert forks == [True], (kind, forks)
            # The child's keys are the ones asked for here: its numbers are not parsed again.
            # (5,054 of the 22,000 numbers: the last 30 % of the rows, without repeats.)
            assert len(parsed_here) < 0.27 * 22_000, (kind, len(parsed_here))
            forked._run_child = failing
            assert read(data, kind) == early, kind
            assert forks == [True, True], (kind, forks)
            normalize._FORK_MIN_NUMBERS = 10**9
            forked.can_fork = lambda: False
            alone = read(data, kind)
            assert alone == early, kind
            assert len(alone) == 11_000
            assert sum(len(row[2]) for row in alone) > 1000, kind  # the rows have problems
            raws = [p["raw"] for row in alone for p in row[1]["phones"]]
            if kind == "google_csv":  # (a vCard's TEL takes its tel: scheme off itself)
                assert any(raw.startswith("tel:+1 201 555") for raw in raws)
        print("ok")
    """)
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-3000:]
