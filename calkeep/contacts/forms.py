"""The new and edit pages: ContactForm for the single-valued fields, one formset each for
emails, phones and addresses, and ContactEditor, which validates them together and turns
them into the values `create_contact` / `update_contact` take."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.forms import BaseFormSet, formset_factory
from django.http import QueryDict

from calkeep.contacts.display import FieldChange, changed_fields, same_value
from calkeep.contacts.models import Contact
from calkeep.formats.countries import country_code
from calkeep.formats.emails import check_email
from calkeep.formats.phones import parse_phone, strip_tel_uri
from calkeep.lib.dates import format_birthday
from calkeep.lib.text import clean_text

NEED_IDENTITY = "Enter at least a name, an organization, an email or a phone."
CUSTOM = "custom"
EMAIL_LABELS = [("work", "Work"), ("home", "Home"), ("other", "Other")]
PHONE_LABELS = [
    ("business", "Business"),
    ("mobile", "Mobile"),
    ("home", "Home"),
    ("other", "Other"),
]
ADDRESS_PARTS = ("label", "street", "extended", "city", "region", "postcode", "country")
SCALAR_FIELDS = (
    "display_name", "prefix", "given_name", "middle_name", "family_name", "suffix",
    "organization", "department", "title", "birthday", "notes", "tags", "urls",
)  # fmt: skip
IDENTITY_FIELDS = ("display_name", "given_name", "middle_name", "family_name", "organization")
ROW_KINDS = ("emails", "phones", "addresses")
SNAPSHOT_SALT = "calkeep.contacts.edit-snapshot"

_BIRTHDAY = re.compile(r"^(?:(\d{4})|-)-(\d{1,2})-(\d{1,2})$")
_URL = URLValidator(schemes=["http", "https"])
MAX_TAG_LENGTH = 100


class TextField(forms.CharField):
    """Text as stored everywhere (see formats.normalize): NFC, LF line ends (browsers post
    CRLF from a textarea, which would otherwise count as a change on every save)."""

    def to_python(self, value: Any) -> str:
        return clean_text(str(super().to_python(value)))


def _text(max_length: int | None, label: str, **kwargs: Any) -> TextField:
    return TextField(required=False, max_length=max_length, label=label, **kwargs)


class ContactForm(forms.Form):
    display_name = _text(500, "Display name", help_text="Leave blank to use given + family name.")
    # Shadows BaseForm.prefix (the HTML name prefix) only as a class attribute, which the
    # form metaclass removes: the field is self.fields["prefix"], the name prefix stays None.
    prefix = _text(100, "Prefix")  # type: ignore[assignment]
    given_name = _text(255, "Given name")
    middle_name = _text(255, "Middle name")
    family_name = _text(255, "Family name")
    suffix = _text(100, "Suffix")
    organization = _text(500, "Organization")
    department = _text(500, "Department")
    title = _text(500, "Job title")
    birthday = _text(
        10,
        "Birthday",
        help_text="YYYY-MM-DD, or --MM-DD when you don't know the year.",
        widget=forms.TextInput(attrs={"placeholder": "1990-04-23 or --04-23"}),
    )
    notes = _text(None, "Notes", widget=forms.Textarea)
    tags = _text(2000, "Tags", help_text="Separate tags with commas.")
    urls = _text(
        None,
        "Websites",
        help_text="One per line, such as https://example.com or www.example.com.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    snapshot = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_birthday(self) -> str:
        text = self.cleaned_data["birthday"].strip()
        if not text:
            return ""
        match = _BIRTHDAY.match(text)
        if match is None:
            raise ValidationError(
                "Enter the birthday as YYYY-MM-DD, or --MM-DD when you don't know the year."
            )
        year = int(match[1]) if match[1] else None
        value = format_birthday(year, int(match[2]), int(match[3])) if year != 0 else None
        if value is None:
            raise ValidationError(f"{text} is not a date in the calendar.")
        return value

    def clean_tags(self) -> list[str]:
        tags: dict[str, str] = {}
        for tag in (t.strip() for t in self.cleaned_data["tags"].split(",")):
            if len(tag) > MAX_TAG_LENGTH:
                raise ValidationError(f"Keep each tag under {MAX_TAG_LENGTH} characters.")
            if tag:
                tags.setdefault(tag.casefold(), tag)
        return list(tags.values())

    def clean_urls(self) -> list[str]:
        urls: list[str] = []
        problems = []
        for number, line in enumerate(self.cleaned_data["urls"].splitlines(), start=1):
            url = line.strip()
            if not url or url in urls:
                continue
            try:
                # `www.example.com` is a web address too (many exports drop the scheme).
                _URL(url if "://" in url else f"http://{url}")
            except ValidationError:
                problems.append(
                    f"Line {number}: “{url}” is not a web address, "
                    "such as https://example.com or www.example.com."
                )
            urls.append(url)
        if problems:
            raise ValidationError(problems)
        return urls


class RowForm(forms.Form):
    """One email, phone or address. Every field is optional: a row left blank is ignored,
    so clearing a row removes it."""

    content_fields: tuple[str, ...] = ()

    def has_content(self) -> bool:
        return any(str(self[name].value() or "").strip() for name in self.content_fields)

    def is_removed(self) -> bool:
        return "DELETE" in self.fields and bool(self["DELETE"].value())


class LabeledRowForm(RowForm):
    """A row whose label is picked from a list or typed (Apple X-ABLabel, Google custom types
    and fax or pager labels are kept as written)."""

    standard_labels: list[tuple[str, str]] = []
    label = forms.ChoiceField(required=False, label="Label")
    custom_label = _text(
        60, "Custom label", widget=forms.TextInput(attrs={"placeholder": "custom label"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "—"), *self.standard_labels, (CUSTOM, "Custom…")]
        self.fields["label"].choices = choices  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        custom = data.get("custom_label", "").strip()
        if data.get("label") == CUSTOM and not custom and self.has_content():
            self.add_error("custom_label", "Type the custom label, or pick one from the list.")
        return data

    def chosen_label(self) -> str:
        if self.cleaned_data.get("label") == CUSTOM:
            return str(self.cleaned_data.get("custom_label", "")).strip()
        return str(self.cleaned_data.get("label") or "")


def label_initial(label: str, standard: list[tuple[str, str]]) -> dict[str, str]:
    if not label:
        return {"label": ""}
    if label.lower() in {value for value, _ in standard}:
        return {"label": label.lower()}
    return {"label": CUSTOM, "custom_label": label}


class EmailForm(LabeledRowForm):
    standard_labels = EMAIL_LABELS
    content_fields = ("value",)
    field_order = ["value", "label", "custom_label", "primary"]

    value = _text(
        320, "Email", widget=forms.TextInput(attrs={"inputmode": "email", "autocomplete": "off"})
    )
    primary = forms.BooleanField(required=False, label="Primary")

    def clean_value(self) -> str:
        text = str(self.cleaned_data["value"]).strip()
        if text:
            check = check_email(text)
            if not check.ok:
                raise ValidationError(check.message)
        return text

    def entry(self, primary: bool) -> dict[str, Any]:
        return {
            "value": self.cleaned_data["value"],
            "label": self.chosen_label(),
            "primary": primary,
        }


class PhoneForm(LabeledRowForm):
    standard_labels = PHONE_LABELS
    content_fields = ("raw",)
    field_order = ["raw", "label", "custom_label", "extension"]

    raw = _text(64, "Phone", widget=forms.TextInput(attrs={"type": "tel"}))
    extension = _text(20, "Extension")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        # A pasted vCard 4.0 `tel:` URI keeps only the number; its ;ext= is the extension.
        raw, uri_extension = strip_tel_uri(str(data.get("raw", "")))
        data["raw"] = raw
        data["extension"] = str(data.get("extension", "")).strip() or uri_extension
        return data


class AddressForm(RowForm):
    content_fields = ADDRESS_PARTS[1:]

    label = _text(60, "Label", widget=forms.TextInput(attrs={"list": "address-labels"}))
    street = _text(500, "Street")
    extended = _text(500, "Apartment, suite, floor")
    city = _text(255, "City")
    region = _text(255, "State or region")
    postcode = _text(32, "Postcode")
    country = _text(255, "Country")

    def entry(self) -> dict[str, str]:
        return {part: str(self.cleaned_data.get(part, "")).strip() for part in ADDRESS_PARTS}


class RowFormSet(BaseFormSet):
    def kept_forms(self) -> list[Any]:
        """Rows with a value that are not marked for removal."""
        return [f for f in self.forms if f.has_content() and not f.is_removed()]


class EmailFormSet(RowFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        primaries = [f for f in self.kept_forms() if f.cleaned_data.get("primary")]
        if len(primaries) > 1:
            raise ValidationError("Mark only one email as primary.")


EmailForms = formset_factory(EmailForm, formset=EmailFormSet, extra=0, can_delete=True)
PhoneForms = formset_factory(PhoneForm, formset=RowFormSet, extra=0, can_delete=True)
AddressForms = formset_factory(AddressForm, formset=RowFormSet, extra=0, can_delete=True)
FORMSETS = {"emails": EmailForms, "phones": PhoneForms, "addresses": AddressForms}


def contact_initial(contact: Contact) -> dict[str, Any]:
    """The edit page's starting values, with the version and snapshot that detect conflicts."""
    initial = initial_from_values(contact.editable_values())
    initial["form"].update(version=contact.version, snapshot=make_snapshot(contact))
    return initial


def initial_from_values(values: dict[str, Any]) -> dict[str, Any]:
    """Stored contact values -> initial data for the form and each formset."""
    scalars: dict[str, Any] = {name: values.get(name) or "" for name in SCALAR_FIELDS}
    scalars["tags"] = ", ".join(str(t) for t in values.get("tags") or [])
    scalars["urls"] = "\n".join(str(u) for u in values.get("urls") or [])
    emails = [
        {
            "value": e.get("value", ""),
            "primary": bool(e.get("primary")),
            **label_initial(str(e.get("label", "")), EMAIL_LABELS),
        }
        for e in values.get("emails") or []
    ]
    phones = [
        {
            "raw": p.get("raw", ""),
            "extension": p.get("extension", ""),
            **label_initial(str(p.get("label", "")), PHONE_LABELS),
        }
        for p in values.get("phones") or []
    ]
    addresses = [
        {part: a.get(part, "") for part in ADDRESS_PARTS} for a in values.get("addresses") or []
    ]
    return {"form": scalars, "emails": emails, "phones": phones, "addresses": addresses}


def make_snapshot(contact: Contact) -> str:
    return signing.dumps(contact.editable_values(), salt=SNAPSHOT_SALT, compress=True)


def read_snapshot(value: str) -> dict[str, Any] | None:
    try:
        loaded = signing.loads(value, salt=SNAPSHOT_SALT)
    except signing.BadSignature:
        return None
    return loaded if isinstance(loaded, dict) else None


def phone_region(addresses: list[dict[str, str]], default: str) -> str:
    """PRODUCT.md: the record's own address country decides, else the workspace default."""
    for address in addresses:
        code = country_code(address.get("country", ""))
        if code:
            return code
    return default


class ContactEditor:
    """The contact form and its three formsets, validated and saved as one."""

    def __init__(
        self,
        region: str,
        data: QueryDict | None = None,
        contact: Contact | None = None,
        initial: dict[str, Any] | None = None,
    ) -> None:
        self.region = region
        self.contact = contact
        self.phone_warnings: list[str] = []
        self.email_notices: list[str] = []
        self._valid: bool | None = None
        if initial is None:
            initial = contact_initial(contact) if contact else {}
            for kind in ROW_KINDS:  # one blank row of each to type into
                initial[kind] = [*initial.get(kind, []), {}]
        self.form = ContactForm(data, initial=initial.get("form"))
        self.formsets: dict[str, Any] = {
            kind: FORMSETS[kind](data, prefix=kind, initial=initial.get(kind)) for kind in ROW_KINDS
        }

    @property
    def emails(self) -> RowFormSet:
        return self.formsets["emails"]

    @property
    def phones(self) -> RowFormSet:
        return self.formsets["phones"]

    @property
    def addresses(self) -> RowFormSet:
        return self.formsets["addresses"]

    def is_valid(self) -> bool:
        if self._valid is None:
            parts = [self.form.is_valid()] + [fs.is_valid() for fs in self.formsets.values()]
            self._valid = all(parts)
            if not self._has_identity():
                self.form.add_error(None, NEED_IDENTITY)
                self._valid = False
        return self._valid

    def _has_identity(self) -> bool:
        if any(str(self.form[name].value() or "").strip() for name in IDENTITY_FIELDS):
            return True
        return bool(self.emails.kept_forms() or self.phones.kept_forms())

    @property
    def version(self) -> int | None:
        return self.form.cleaned_data.get("version")

    def values(self) -> dict[str, Any]:
        """The contact's editable values; collects warnings about numbers kept as written."""
        data = self.form.cleaned_data
        values = {name: data[name] for name in SCALAR_FIELDS}
        values["emails"] = self._emails()
        values["addresses"] = [form.entry() for form in self.addresses.kept_forms()]
        values["phones"] = self._phones(phone_region(values["addresses"], self.region))
        return values

    def _emails(self) -> list[dict[str, Any]]:
        forms_ = self.emails.kept_forms()
        primary = next((f for f in forms_ if f.cleaned_data.get("primary")), None)
        primary = primary or (forms_[0] if forms_ else None)
        self.email_notices = [
            notice for f in forms_ if (notice := check_email(f.cleaned_data["value"]).message)
        ]
        return [form.entry(primary=form is primary) for form in forms_]

    def _phones(self, region: str) -> list[dict[str, Any]]:
        # A number already stored with an E.164 value keeps it while its text is unchanged
        # (an import may have read it with the import's region, which we do not know here).
        known = {
            p.get("raw"): p["e164"] for p in (self.contact.phones if self.contact else [])
            if p.get("e164")
        }  # fmt: skip
        self.phone_warnings = []
        phones = []
        for form in self.phones.kept_forms():
            raw = form.cleaned_data["raw"]
            result = parse_phone(raw, region)
            e164 = known.get(raw) or result.e164
            if e164 is None:
                self.phone_warnings.append(result.warning)
            extension = form.cleaned_data["extension"] or result.extension
            label = form.chosen_label()
            phones.append({"raw": raw, "e164": e164, "label": label, "extension": extension})
        return phones

    def rebased(self, current: Contact) -> tuple[ContactEditor, list[FieldChange]]:
        """After a conflict: what others changed since the form was opened, and a form on the
        current version holding the user's input plus others' changes to fields the user did
        not touch, so saving it again loses neither."""
        mine = self.values()
        now = current.editable_values()
        started = read_snapshot(str(self.form.data.get("snapshot", "")))
        if started is None:  # no usable snapshot: say where the two differ, keep all of mine
            changes, merged = changed_fields(mine, now), mine
        else:
            changes = changed_fields(started, now, mine)
            merged = {f: now[f] if same_value(mine[f], started.get(f)) else mine[f] for f in mine}
        initial = initial_from_values(merged)
        initial["form"].update(version=current.version, snapshot=make_snapshot(current))
        for kind in ROW_KINDS:
            initial[kind].append({})
        return ContactEditor(self.region, contact=current, initial=initial), changes

    def with_blank_row(self, kind: str) -> ContactEditor:
        """The same input, unvalidated, with one more empty row of `kind` ("add another")."""
        initial: dict[str, Any] = {
            "form": {name: self.form[name].value() for name in self.form.fields},
        }
        for name, formset in self.formsets.items():
            rows = [_row_values(f) for f in formset.forms if not f.is_removed()]
            if name == kind or not rows:
                rows.append({})
            initial[name] = rows
        return ContactEditor(self.region, contact=self.contact, initial=initial)


def _row_values(form: forms.Form) -> dict[str, Any]:
    return {name: form[name].value() for name in form.fields if name != "DELETE"}


class TaskForm(forms.Form):
    title = forms.CharField(
        max_length=300,
        label="Follow-up",
        error_messages={"required": "Say what to follow up on."},
        widget=forms.TextInput(attrs={"placeholder": "Send the proposal"}),
    )
    due_date = forms.DateField(
        required=False,
        label="Due",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
