"""The countries the export knows: ISO 3166 numeric and alpha-3 codes, ACLED's region.

A place's ``country`` may be a name, an alpha-2 or an alpha-3 code. A country not
listed keeps its name in ``country``; ``iso`` and ``region`` stay empty and the
event id uses ``XXX``.
"""

from __future__ import annotations

import attrs

from sitrep_core.views import fold_name


@attrs.frozen
class Country:
    name: str
    numeric: int
    alpha2: str
    alpha3: str
    region: str
    aliases: tuple[str, ...] = ()


COUNTRIES: tuple[Country, ...] = (
    Country("Syria", 760, "SY", "SYR", "Middle East", ("Syrian Arab Republic",)),
    Country("Lebanon", 422, "LB", "LBN", "Middle East"),
    Country("Iraq", 368, "IQ", "IRQ", "Middle East"),
    Country("Jordan", 400, "JO", "JOR", "Middle East"),
    Country("Turkey", 792, "TR", "TUR", "Middle East", ("Turkiye", "Türkiye")),
    Country("Israel", 376, "IL", "ISR", "Middle East"),
    Country("Palestine", 275, "PS", "PSE", "Middle East"),
    Country("Iran", 364, "IR", "IRN", "Middle East"),
    Country("Yemen", 887, "YE", "YEM", "Middle East"),
    Country("Saudi Arabia", 682, "SA", "SAU", "Middle East"),
    Country("Kuwait", 414, "KW", "KWT", "Middle East"),
    Country("Bahrain", 48, "BH", "BHR", "Middle East"),
    Country("Qatar", 634, "QA", "QAT", "Middle East"),
    Country("United Arab Emirates", 784, "AE", "ARE", "Middle East", ("UAE",)),
    Country("Oman", 512, "OM", "OMN", "Middle East"),
    Country("Egypt", 818, "EG", "EGY", "Northern Africa"),
    Country("Libya", 434, "LY", "LBY", "Northern Africa"),
    Country("Tunisia", 788, "TN", "TUN", "Northern Africa"),
    Country("Algeria", 12, "DZ", "DZA", "Northern Africa"),
    Country("Morocco", 504, "MA", "MAR", "Northern Africa"),
    Country("Sudan", 729, "SD", "SDN", "Northern Africa"),
    Country("Afghanistan", 4, "AF", "AFG", "South Asia"),
    Country("Ukraine", 804, "UA", "UKR", "Europe"),
    Country("Russia", 643, "RU", "RUS", "Europe", ("Russian Federation",)),
)

_INDEX: dict[str, Country] = {
    fold_name(name): country
    for country in COUNTRIES
    for name in (country.name, country.alpha2, country.alpha3, *country.aliases)
}


def country(name: str | None) -> Country | None:
    """The country a name or ISO code stands for, if listed."""
    return None if name is None else _INDEX.get(fold_name(name))
