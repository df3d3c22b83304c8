"""Country names come from libphonenumber's locale table, read without its geocoding data."""

from __future__ import annotations

import subprocess
import sys

from calkeep.formats.countries import country_code, country_name


def test_country_names_in_many_languages() -> None:
    assert country_code("Deutschland") == "DE"
    assert country_code("United Kingdom") == "GB"
    assert country_code("the Netherlands") == "NL"
    assert country_code("Österreich") == "AT"
    assert country_code("us") == "US"
    assert country_code("Atlantis") is None
    assert country_name("de") == "Germany"


def test_reading_country_names_leaves_the_100_mb_geocoding_table_unloaded() -> None:
    script = (
        "import sys\n"
        "from calkeep.formats.countries import country_code\n"
        "assert country_code('Deutschland') == 'DE'\n"
        "assert 'phonenumbers.geodata' not in sys.modules, 'geodata loaded'\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)
