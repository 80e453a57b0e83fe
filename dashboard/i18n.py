"""Every UI string in Dutch and English, and Dutch/English number formatting.

``t(key, lang, **values)`` looks a string up and fills ``{placeholders}``.
Vocabulary labels (themes, kinds, ...) live with the vocabularies in
``dashboard.model``; region types are labelled here.
"""

from __future__ import annotations

from babel.numbers import format_decimal

LANGS = ("nl", "en")
DEFAULT_LANG = "nl"

STRINGS: dict[str, dict[str, str]] = {
    "app_title": {"nl": "Krimpkaart", "en": "Krimpkaart"},
    "app_subtitle": {
        "nl": "Sociale innovatie in krimp- en anticipeerregio's",
        "en": "Social innovation in Dutch shrink and anticipation regions",
    },
    "credit_boundaries": {
        "nl": "Bron grenzen en cijfers: CBS/Kadaster, CC BY 4.0",
        "en": "Boundaries and figures: CBS/Kadaster, CC BY 4.0",
    },
    "credit_initiatives": {
        "nl": "Initiatieven: Krimpkaart (CC BY 4.0)",
        "en": "Initiatives: Krimpkaart (CC BY 4.0)",
    },
    "credit_regions_note": {
        "nl": "Indeling: landelijke lijst 2019 (BZK), vertaald naar gemeenten 2024; "
        "één van de elf anticipeerregio's ontbreekt in de brontabel.",
        "en": "Classification: national list 2019 (BZK) translated to 2024 municipalities; "
        "one of the eleven anticipation regions is missing from the source table.",
    },
    "regiotype_krimpregio": {"nl": "Krimpregio", "en": "Shrink region (krimpregio)"},
    "regiotype_anticipeerregio": {
        "nl": "Anticipeerregio",
        "en": "Anticipation region (anticipeerregio)",
    },
    "regiotype_geen": {"nl": "Overige gemeenten", "en": "Other municipalities"},
    "legend_regions": {"nl": "Regio's", "en": "Regions"},
    "legend_themes": {"nl": "Thema's", "en": "Themes"},
    "legend_population": {
        "nl": "Bevolkingsverandering 2014–2024",
        "en": "Population change 2014–2024",
    },
    "legend_no_data": {"nl": "geen vergelijkbare cijfers", "en": "no comparable figures"},
    "province": {"nl": "Provincie", "en": "Province"},
    "region": {"nl": "Regio", "en": "Region"},
    "municipality": {"nl": "Gemeente", "en": "Municipality"},
    "no_region": {
        "nl": "geen krimp- of anticipeerregio",
        "en": "not a shrink or anticipation region",
    },
    "population_change": {"nl": "Bevolking 2014–2024", "en": "Population 2014–2024"},
}


def t(key: str, lang: str = DEFAULT_LANG, **values: object) -> str:
    """The string for ``key`` in ``lang`` (Dutch when missing), with values filled in."""
    entry = STRINGS.get(key)
    if entry is None:
        return key
    text = entry.get(lang) or entry[DEFAULT_LANG]
    return text.format(**values) if values else text


def regiotype_label(regiotype: str, lang: str = DEFAULT_LANG) -> str:
    return t(f"regiotype_{regiotype or 'geen'}", lang)


def number(value: float | int | None, lang: str = DEFAULT_LANG, digits: int = 0) -> str:
    """Format a number Dutch style (12.345,6) or English style (12,345.6)."""
    if value is None:
        return "–"
    locale = "nl_NL" if lang == "nl" else "en_GB"
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=locale)


def percent(value: float | None, lang: str = DEFAULT_LANG, digits: int = 1) -> str:
    """Signed percentage in the language's style: +1,5% / −2.3%."""
    if value is None:
        return "–"
    sign = "+" if value > 0 else ("−" if value < 0 else "")
    return f"{sign}{number(abs(value), lang, digits)}%"
