"""Each CSV layout people export: Google (legacy and 2023+), Outlook in seven languages,
Apple Contacts, Thunderbird."""

from __future__ import annotations

import pytest

from tests.formats.csv_helpers import csv_bytes, only_draft, read

GOOGLE_2023_HEADER = [
    "First Name", "Middle Name", "Last Name", "Phonetic First Name", "Phonetic Middle Name",
    "Phonetic Last Name", "Name Prefix", "Name Suffix", "Nickname", "File As",
    "Organization Name", "Organization Title", "Organization Department", "Birthday", "Notes",
    "Photo", "Labels", "E-mail 1 - Label", "E-mail 1 - Value", "E-mail 2 - Label",
    "E-mail 2 - Value", "Phone 1 - Label", "Phone 1 - Value", "Phone 2 - Label",
    "Phone 2 - Value", "Address 1 - Label", "Address 1 - Formatted", "Address 1 - Street",
    "Address 1 - City", "Address 1 - PO Box", "Address 1 - Region", "Address 1 - Postal Code",
    "Address 1 - Country", "Address 1 - Extended Address", "Website 1 - Label",
    "Website 1 - Value",
]  # fmt: skip


def google_2023_row(**values: str) -> list[str]:
    return [values.get(name, "") for name in GOOGLE_2023_HEADER]


def test_google_2023_layout_reads_names_labels_and_multi_values() -> None:
    row = google_2023_row(**{
        "First Name": "Ada", "Last Name": "Lovelace", "Organization Name": "Analytical Engines",
        "Organization Title": "Programmer", "Birthday": "--12-10",
        "Labels": "* myContacts ::: * starred ::: Mathematicians",
        "E-mail 1 - Label": "Home", "E-mail 1 - Value": "ada@example.com",
        "E-mail 2 - Label": "* Work",
        "E-mail 2 - Value": "ada@engines.example ::: al@engines.example",
        "Phone 1 - Label": "Mobile", "Phone 1 - Value": "+1 202-555-0143 ::: +1 202-555-0199",
        "Phone 2 - Label": "Work", "Phone 2 - Value": "(202) 555-0100",
        "Address 1 - Label": "Home", "Address 1 - Street": "12 St James's Square",
        "Address 1 - City": "London", "Address 1 - Postal Code": "SW1Y 4JH",
        "Address 1 - Country": "United Kingdom",
        "Website 1 - Value": "https://example.com/ada",
    })  # fmt: skip
    parsed = read(csv_bytes([GOOGLE_2023_HEADER, row]))
    draft = only_draft(parsed)

    assert parsed.format == "google_csv"
    assert (draft.given_name, draft.family_name) == ("Ada", "Lovelace")
    assert (draft.organization, draft.title, draft.birthday) == (
        "Analytical Engines", "Programmer", "--12-10",
    )  # fmt: skip
    assert draft.tags == ["Mathematicians"]
    assert [(e.value, e.label, e.primary) for e in draft.emails] == [
        ("ada@example.com", "home", False),
        ("ada@engines.example", "work", True),
        ("al@engines.example", "work", False),
    ]
    assert [(p.raw, p.label) for p in draft.phones] == [
        ("+1 202-555-0143", "mobile"),
        ("+1 202-555-0199", "mobile"),
        ("(202) 555-0100", "business"),
    ]  # fmt: skip
    address = draft.addresses[0]
    assert (address.label, address.street, address.city, address.postcode) == (
        "home", "12 St James's Square", "London", "SW1Y 4JH",
    )  # fmt: skip
    assert draft.urls == ["https://example.com/ada"]


def test_google_custom_phone_types_are_kept_as_written() -> None:
    row = google_2023_row(**{
        "First Name": "Grace", "Phone 1 - Label": "Home Fax", "Phone 1 - Value": "202-555-0111",
        "Phone 2 - Label": "Google Voice", "Phone 2 - Value": "202-555-0112",
    })  # fmt: skip
    draft = only_draft(read(csv_bytes([GOOGLE_2023_HEADER, row])))
    assert [p.label for p in draft.phones] == ["Home Fax", "Google Voice"]


def test_google_legacy_group_membership_drops_system_groups_only() -> None:
    header = ["Name", "Given Name", "Family Name", "Group Membership", "E-mail 1 - Type",
              "E-mail 1 - Value"]  # fmt: skip
    row = ["Alan Turing", "Alan", "Turing", "* My Contacts ::: * Friends ::: Bletchley", "* Other",
           "alan@example.org"]  # fmt: skip
    parsed = read(csv_bytes([header, row], newline="\n"))
    draft = only_draft(parsed)
    assert parsed.format == "google_csv"
    assert draft.display_name == "Alan Turing"
    assert draft.tags == ["Friends", "Bletchley"]
    assert (draft.emails[0].label, draft.emails[0].primary) == ("other", True)


def test_google_formatted_address_is_the_street_when_nothing_else_is_given() -> None:
    header = ["Name", "Address 1 - Type", "Address 1 - Formatted", "Address 1 - City"]
    row = ["Kim", "Work", "1 Infinite Loop\nCupertino, CA 95014", ""]
    draft = only_draft(read(csv_bytes([header, row])))
    assert (draft.addresses[0].label, draft.addresses[0].street) == (
        "work", "1 Infinite Loop\nCupertino, CA 95014",
    )  # fmt: skip


# Outlook's own header names, as its exports write them in each language.
OUTLOOK_HEADERS = {
    "en": ["Title", "First Name", "Middle Name", "Last Name", "Company", "Job Title",
           "Business Street", "Business City", "Business Postal Code", "Business Country/Region",
           "Business Phone", "Mobile Phone", "Home Fax", "Birthday", "E-mail Address",
           "E-mail Type", "E-mail Display Name", "Categories", "Notes"],
    "de": ["Anrede", "Vorname", "Weitere Vornamen", "Nachname", "Firma", "Position",
           "Straße geschäftlich", "Ort geschäftlich", "Postleitzahl geschäftlich",
           "Land/Region geschäftlich", "Telefon geschäftlich", "Mobiltelefon", "Fax privat",
           "Geburtstag", "E-Mail-Adresse", "E-Mail-Typ", "E-Mail: Angezeigter Name",
           "Kategorien", "Notizen"],
    "fr": ["Titre", "Prénom", "Deuxième prénom", "Nom", "Société", "Titre", "Rue (bureau)",
           "Ville (bureau)", "Code postal (bureau)", "Pays/Région (bureau)", "Téléphone (bureau)",
           "Tél. mobile", "Télécopie (domicile)", "Anniversaire", "Adresse de messagerie",
           "Type de messagerie", "Nom complet de l'adresse de messagerie", "Catégories", "Notes"],
    "es": ["Tratamiento", "Nombre", "Segundo nombre", "Apellidos", "Organización", "Puesto",
           "Calle del trabajo", "Ciudad de trabajo", "Código postal del trabajo",
           "País o región del trabajo", "Teléfono del trabajo", "Mobile Phone", "Home Fax",
           "Birthday", "E-mail Address", "E-mail Type",
           "Nombre de pantalla de correo electrónico", "Categorías", "Notes"],
    "it": ["Titolo", "Nome", "Secondo nome", "Cognome", "Società", "Posizione", "Via (uff.)",
           "Città (uff.)", "CAP (uff.)", "Paese (uff.)", "Ufficio", "Cellulare", "Fax (ab.)",
           "Compleanno", "Indirizzo posta elettronica", "Tipo posta elettronica",
           "Nome visualizzato posta elettronica", "Categorie", "Notes"],
    "nl": ["Titel", "Voornaam", "Middelste naam", "Achternaam", "Bedrijf", "Functie",
           "Werkadres, straat", "Werkadres, plaats", "Werkadres, postcode", "Land/regio (werk)",
           "Telefoon op werk", "Mobiele telefoon", "Fax thuis", "Verjaardag", "E-mailadres",
           "E-mailtype", "Weergavenaam voor e-mail", "Categorieën", "Notities"],
    "pt": ["Tratamento", "Primeiro nome", "Segundo nome", "Sobrenome", "Empresa", "Cargo",
           "Rua do endereço comercial", "Localidade da empresa", "Código postal da empresa",
           "País/Região da Empresa", "Telefone comercial", "Telefone celular",
           "Fax residencial", "Birthday", "Endereço de email", "Tipo de email",
           "Nome para exibição do email", "Categorias", "Anotações"],
}  # fmt: skip
OUTLOOK_ROW = ["Dr.", "Émilie", "Anne", "Dupré", "Société Générale", "Directrice",
               "12 rue de la Paix", "Paris", "75002", "France", "+33 1 42 68 53 00",
               "+33 6 12 34 56 78", "+33 1 42 68 53 01", "17.5.1980", "emilie@example.fr",
               "SMTP", "Émilie Dupré (emilie@example.fr)", "Clients;VIP",
               "Rencontrée à Lyon"]  # fmt: skip


@pytest.mark.parametrize("language", sorted(OUTLOOK_HEADERS))
def test_outlook_export_in_each_language_maps_to_the_same_contact(language: str) -> None:
    data = csv_bytes([OUTLOOK_HEADERS[language], OUTLOOK_ROW], encoding="cp1252", quote_all=True)
    parsed = read(data, region="FR")
    draft = only_draft(parsed)

    assert parsed.format == "outlook_csv"
    assert parsed.encoding == "cp1252"
    assert (draft.prefix, draft.given_name, draft.middle_name, draft.family_name) == (
        "Dr.", "Émilie", "Anne", "Dupré",
    )  # fmt: skip
    assert (draft.organization, draft.title) == ("Société Générale", "Directrice")
    assert [e.value for e in draft.emails] == ["emilie@example.fr"]
    assert [(p.label, p.e164) for p in draft.phones] == [
        ("business", "+33142685300"), ("mobile", "+33612345678"), ("Home Fax", "+33142685301"),
    ]  # fmt: skip
    address = draft.addresses[0]
    assert (address.label, address.street, address.city, address.postcode, address.country) == (
        "work", "12 rue de la Paix", "Paris", "75002", "France",
    )  # fmt: skip
    assert draft.birthday == "1980-05-17"
    assert draft.tags == ["Clients", "VIP"]
    assert draft.notes == "Rencontrée à Lyon"


def test_outlook_english_dates_are_month_first_and_zero_date_means_none() -> None:
    header = ["First Name", "Last Name", "Birthday", "Anniversary", "E-mail Address",
              "E-mail Type", "E-mail Display Name"]  # fmt: skip
    rows = [header, ["Ann", "Lee", "5/7/1980", "0/0/00", "ann@example.com", "SMTP", "Ann"],
            ["Bo", "Ray", "0/0/00", "", "bo@example.com", "SMTP", "Bo"]]  # fmt: skip
    parsed = read(csv_bytes(rows))
    assert [row.draft.birthday for row in parsed.rows if row.draft] == ["1980-05-07", None]


def test_outlook_phone_columns_get_labels() -> None:
    header = ["First Name", "Business Phone", "Business Phone 2", "Car Phone", "Pager",
              "Company Main Phone", "Other Fax", "Primary Phone", "E-mail Type",
              "E-mail Display Name"]  # fmt: skip
    row = ["Max", "1", "2", "3", "4", "5", "6", "7", "", ""]
    draft = only_draft(read(csv_bytes([header, row])))
    assert [(p.raw, p.label) for p in draft.phones] == [
        ("1", "business"), ("2", "business"), ("3", "Car"), ("4", "Pager"),
        ("5", "Company Main"), ("6", "Other Fax"), ("7", "Main"),
    ]  # fmt: skip


def test_outlook_2007_german_header_garbled_by_a_wrong_codepage_still_maps() -> None:
    # UTF-8 read as cp1252 once and saved again: `Straße` became `StraÃŸe`.
    header = [h.encode("utf-8").decode("cp1252") for h in OUTLOOK_HEADERS["de"]]
    draft = only_draft(read(csv_bytes([header, OUTLOOK_ROW]), region="FR"))
    assert draft.addresses[0].street == "12 rue de la Paix"
    assert draft.addresses[0].city == "Paris"


def test_outlook_header_with_replacement_characters_still_maps() -> None:
    header = ["Vorname", "Nachname", "Stra\ufffde gesch\ufffdftlich", "Ort gesch\ufffdftlich",
              "E-Mail-Typ", "E-Mail: Angezeigter Name"]  # fmt: skip
    draft = only_draft(read(csv_bytes([header, ["Max", "Muster", "Hauptstr. 1", "Köln", "", ""]])))
    assert (draft.addresses[0].street, draft.addresses[0].city) == ("Hauptstr. 1", "Köln")


def test_apple_contacts_export_is_icloud_csv() -> None:
    header = ["First name", "Phonetic First Name", "Last name", "Phonetic Last Name", "Company",
              "Work Email", "Home Email", "Mobile Phone", "Work Street", "Work City",
              "Work Zip", "Work Country", "Note"]  # fmt: skip
    row = ["Tim", "", "Apfel", "", "Orchard", "tim@orchard.example", "tim@home.example",
           "+1 408 555 0101", "1 Park Way", "Cupertino", "95014", "US", "Keynote"]  # fmt: skip
    parsed = read(csv_bytes([header, row], delimiter="\t", newline="\n"))
    draft = only_draft(parsed)
    assert parsed.format == "icloud_csv"
    assert [(e.value, e.label) for e in draft.emails] == [
        ("tim@orchard.example", "work"), ("tim@home.example", "home"),
    ]  # fmt: skip
    assert draft.addresses[0].label == "work"
    assert draft.notes == "Keynote"


THUNDERBIRD_HEADER = [
    "First Name", "Last Name", "Display Name", "Nickname", "Primary Email", "Secondary Email",
    "Screen Name", "Work Phone", "Home Phone", "Fax Number", "Pager Number", "Mobile Number",
    "Home Address", "Home Address 2", "Home City", "Home State", "Home ZipCode", "Home Country",
    "Work Address", "Work Address 2", "Work City", "Work State", "Work ZipCode", "Work Country",
    "Job Title", "Department", "Organization", "Web Page 1", "Web Page 2", "Birth Year",
    "Birth Month", "Birth Day", "Custom 1", "Custom 2", "Custom 3", "Custom 4", "Notes",
]  # fmt: skip


def test_thunderbird_export_reads_as_generic_csv_with_a_complete_mapping() -> None:
    values = dict.fromkeys(THUNDERBIRD_HEADER, "")
    values.update({
        "First Name": "Linus", "Last Name": "T", "Display Name": "Linus T",
        "Primary Email": "linus@example.org", "Secondary Email": "lt@example.net",
        "Work Phone": "+1 503 555 0100", "Fax Number": "+1 503 555 0101",
        "Home Address": "1 Penguin Way", "Home Address 2": "Apt 2", "Home City": "Portland",
        "Birth Year": "1969", "Birth Month": "12", "Birth Day": "28", "Custom 1": "kernel",
    })  # fmt: skip
    parsed = read(csv_bytes([THUNDERBIRD_HEADER, list(values.values())]))
    draft = only_draft(parsed)
    assert parsed.format == "generic_csv"
    assert parsed.mapping["Birth Day"] == "birthday:day"
    assert parsed.mapping["Custom 1"] == ""
    assert draft.birthday == "1969-12-28"
    assert [e.value for e in draft.emails] == ["linus@example.org", "lt@example.net"]
    assert [(p.label, p.raw) for p in draft.phones] == [
        ("business", "+1 503 555 0100"), ("Fax", "+1 503 555 0101"),
    ]  # fmt: skip
    assert draft.addresses[0].street == "1 Penguin Way\nApt 2"


def test_thunderbird_birthday_without_year_is_month_and_day() -> None:
    values = dict.fromkeys(THUNDERBIRD_HEADER, "")
    values.update({"Display Name": "No Year", "Birth Month": "2", "Birth Day": "29"})
    draft = only_draft(read(csv_bytes([THUNDERBIRD_HEADER, list(values.values())])))
    assert draft.birthday == "--02-29"


def test_google_layout_with_a_name_column_carries_every_contract_field() -> None:
    # The layout CalKeep's own CSV export can use for a lossless export -> import.
    header = ["Name", "Name Prefix", "First Name", "Middle Name", "Last Name", "Name Suffix",
              "Organization Name", "Organization Department", "Organization Title", "Birthday",
              "Notes", "Labels", "E-mail 1 - Label", "E-mail 1 - Value", "E-mail 2 - Label",
              "E-mail 2 - Value", "Phone 1 - Label", "Phone 1 - Value", "Address 1 - Label",
              "Address 1 - Street", "Address 1 - Extended Address", "Address 1 - City",
              "Address 1 - Region", "Address 1 - Postal Code", "Address 1 - Country",
              "Website 1 - Value"]  # fmt: skip
    row = ["Dr. Ann Lee", "Dr.", "Ann", "B.", "Lee", "PhD", "Lee & Co", "R&D", "CTO",
           "1980-02-29", "Line one\nLine two", "VIP ::: Board", "work", "ann@lee.example",
           "* Private inbox", "ann@home.example", "Home Fax", "'+1 202 555 0123",
           "Summer house", "1 Shore Rd", "Unit 4", "Bar Harbor", "ME", "04609", "US",
           "https://lee.example"]  # fmt: skip
    draft = only_draft(read(csv_bytes([header, row])))
    assert draft.to_dict() | {"phones": None} == {
        "display_name": "Dr. Ann Lee", "prefix": "Dr.", "given_name": "Ann",
        "middle_name": "B.", "family_name": "Lee", "suffix": "PhD", "organization": "Lee & Co",
        "department": "R&D", "title": "CTO", "birthday": "1980-02-29",
        "notes": "Line one\nLine two", "tags": ["VIP", "Board"],
        "urls": ["https://lee.example"],
        "emails": [
            {"value": "ann@lee.example", "label": "work", "primary": False},
            {"value": "ann@home.example", "label": "Private inbox", "primary": True},
        ],
        "phones": None,
        "addresses": [{"label": "Summer house", "street": "1 Shore Rd", "extended": "Unit 4",
                       "city": "Bar Harbor", "region": "ME", "postcode": "04609",
                       "country": "US"}],
    }  # fmt: skip
    assert [(p.raw, p.label, p.e164) for p in draft.phones] == [
        ("+1 202 555 0123", "Home Fax", "+12025550123")
    ]
