"""The map's legend (region types, population classes, themes) and the source credit."""

from __future__ import annotations

from html import escape

from branca.element import MacroElement

from dashboard import style
from dashboard.i18n import regiotype_label, t
from dashboard.webmap.options import MapOptions
from dashboard.webmap.templates import template


class Attribution(MacroElement):
    """Adds the CBS/Kadaster credit to Leaflet's attribution control (``kk.attribution``)."""

    _template = template(
        """
        {% macro script(this, kwargs) %}
        kk.attribution({{ this._parent.get_name() }}, {{ this.options|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, text: str):
        super().__init__()
        self._name = "Attribution"
        self.options = {"text": escape(text)}


class Legend(MacroElement):
    """Legend control: region types (fill + outline style) and, below, the themes.

    Drawn by ``kk.legend`` (``static/kk-map.js``), styled by ``static/kk-map.css``;
    maps narrower than ``fold_below`` pixels start with it folded.
    """

    _template = template(
        """
        {% macro script(this, kwargs) %}
        kk.legend({{ this._parent.get_name() }}, {{ this.options|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, options: MapOptions, theme_labels: dict[str, str],
                 fold_below: int = 800):
        super().__init__()
        self._name = "Legend"
        self.options = {"html": legend_html(options, theme_labels), "foldBelow": fold_below}


def _swatch(kind: str) -> str:
    s = style.REGION_STYLES[kind]
    border = f"{max(s.outline_width, 1):.0f}px {'dashed' if s.dash else 'solid'} {s.outline}"
    rgba = _rgba(s.fill, s.fill_opacity)
    return f'<span class="sw" style="background:{rgba};border:{border}"></span>'


def _rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def legend_html(options: MapOptions, theme_labels: dict[str, str]) -> str:
    """The legend's HTML (our own strings only, escaped anyway)."""
    lang = options.lang
    rows = []
    if options.population:
        rows.append(f"<h4>{escape(t('legend_population', lang))}</h4>")
        for label, colour in style.POPULATION_BINS:
            rows.append(f'<div class="row"><span class="sw" style="background:{colour}"></span>'
                        f"{escape(label)}</div>")
        rows.append(f'<div class="row"><span class="sw" style="background:#E0E0E0"></span>'
                    f"{escape(t('legend_no_data', lang))}</div>")
    rows.append(f"<h4>{escape(t('legend_regions', lang))}</h4>")
    for kind in ("krimpregio", "anticipeerregio", ""):
        rows.append(f'<div class="row">{_swatch(kind)}{escape(regiotype_label(kind, lang))}</div>')
    if theme_labels:
        rows.append(f"<h4>{escape(t('legend_themes', lang))}</h4><div class=\"grid\">")
        for theme, label in theme_labels.items():
            colour, symbol = style.marker_style([theme])
            rows.append(f'<div class="row"><span class="dot" style="background:{colour}">{symbol}'
                        f"</span>{escape(label)}</div>")
        rows.append("</div>")
        rows.append('<div class="row"><span class="dot kk-approx-dot"></span>'
                    f"{escape(t('approximate_word', lang))}</div>")
    rows.append(f'<div class="note">{escape(t("credit_regions_note", lang))}</div>')
    summary = escape(t("legend", lang))
    return f"<details open><summary>{summary}</summary>{''.join(rows)}</details>"

