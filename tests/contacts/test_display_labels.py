"""Field paths and values as the pages show them to people."""

from __future__ import annotations

from calkeep.contacts.display import field_label, value_text


def test_field_paths_read_as_words() -> None:
    assert field_label("phones[1]") == "Phone 2"
    assert field_label("emails[0]") == "Email 1"
    assert field_label("given_name") == "Given name"
    assert field_label("links") == "Linked records"
    assert field_label("some_new_field") == "Some new field"


def test_list_values_read_as_text_not_data() -> None:
    phones = [
        {"raw": "(201) 555-0123", "e164": "+12015550123", "label": "mobile", "extension": "7"}
    ]
    assert value_text(phones) == "(201) 555-0123 ext. 7 (mobile)"
    emails = [
        {"value": "a@example.com", "label": "", "primary": True},
        {"value": "b@x.example", "label": "home"},
    ]
    assert value_text(emails) == "a@example.com (primary); b@x.example (home)"
    address = [{"label": "work", "street": "1 Main St", "city": "Lisbon", "country": "PT"}]
    assert value_text(address, separator="\n") == "1 Main St, Lisbon, PT (work)"
    assert value_text(["vip", "golf"]) == "vip; golf" and value_text([]) == ""


def test_websites_link_over_http_or_to_a_bare_domain_never_to_a_script() -> None:
    from calkeep.contacts.display import web_href

    assert web_href("https://acme.example/about") == "https://acme.example/about"
    assert web_href("www.muster.de") == "https://www.muster.de"
    assert web_href("javascript:alert(1)") is None
    assert web_href("not a site") is None
