from __future__ import annotations

from typing import Any

import phonenumbers
from django import forms
from django.conf import settings

from calkeep.formats.countries import country_name
from calkeep.formats.csv_preview import CsvColumn, field_choices
from calkeep.transfers.models import FORMAT_LABELS, ImportRun

FORMAT_CHOICES = [("auto", "Detect automatically"), *FORMAT_LABELS.items()]


def region_choices() -> list[tuple[str, str]]:
    regions = sorted(phonenumbers.SUPPORTED_REGIONS - {"001"})
    return sorted(((r, f"{country_name(r)} ({r})") for r in regions), key=lambda c: c[1])


class UploadForm(forms.Form):
    file = forms.FileField(
        help_text="Google Contacts or Outlook CSV, iCloud CSV, vCard, or any CSV; up to 10 MB."
    )
    format = forms.ChoiceField(choices=FORMAT_CHOICES, initial="auto")
    region = forms.ChoiceField(
        label="Country for numbers without a country code",
        help_text="Numbers written with + or a country's exit code keep their own country.",
    )

    def __init__(self, *args: Any, default_region: str = "US", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        region_field = self.fields["region"]
        assert isinstance(region_field, forms.ChoiceField)
        region_field.choices = region_choices()
        region_field.initial = default_region

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = settings.IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"This file is {upload.size:,} bytes; the limit is 10 MB ({limit:,} bytes). "
                "Split it into smaller files and import them one after the other."
            )
        if upload.size == 0:
            raise forms.ValidationError("This file is empty.")
        return upload


class CommitForm(forms.Form):
    strategy = forms.ChoiceField(
        choices=ImportRun.Strategy.choices,
        widget=forms.RadioSelect,
        initial=ImportRun.Strategy.SKIP,
        label="When a row matches an existing contact by email",
    )


class MappingForm(forms.Form):
    """One field per column of the file: which contact field it fills (or none)."""

    def __init__(
        self, *args: Any, columns: list[CsvColumn], mapping: dict[str, str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.columns = columns
        suggested = [c.suggested for c in columns]
        choices = field_choices([*suggested, *mapping.values()])
        for index, column in enumerate(columns):
            self.fields[f"col_{index}"] = forms.ChoiceField(
                choices=choices, required=False, label=column.name,
                initial=mapping.get(column.name, ""),
            )  # fmt: skip

    def rows(self) -> list[tuple[CsvColumn, forms.BoundField]]:
        return [(column, self[f"col_{index}"]) for index, column in enumerate(self.columns)]

    def mapping(self) -> dict[str, str]:
        return {
            column.name: self.cleaned_data.get(f"col_{index}") or ""
            for index, column in enumerate(self.columns)
        }
