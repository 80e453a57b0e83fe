"""The map's legend (region types, population classes, themes) and the source credit."""

from __future__ import annotations

from html import escape

from branca.element import MacroElement
from jinja2 import Template

from dashboard import style
from dashboard.i18n import regiotype_label, t
from dashboard.webmap.jsdata import js_json
from dashboard.webmap.options import MapOptions


class Attribution(MacroElement):
    """Adds the CBS/Kadaster credit to Leaflet's attribution control."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.text_json }});
        {% endmacro %}
        """
    )

    def __init__(self, text: str):
        super().__init__()
        self._name = "Attribution"
        self.text_json = js_json(escape(text))


LEGEND_CSS = """
.leaflet-container{background:#DCEAF2}
.kk-legend{background:rgba(255,255,255,.94);padding:6px 9px;border-radius:6px;color:#222;
 box-shadow:0 1px 4px rgba(0,0,0,.3);font:11.5px/1.3 system-ui,sans-serif;max-width:250px}
.kk-legend summary{cursor:pointer;font-weight:600;font-size:12px}
.kk-legend h4{margin:5px 0 2px;font-size:11.5px;font-weight:600}
.kk-legend .row{display:flex;align-items:center;gap:5px;margin:1px 0}
.kk-legend .grid{display:grid;grid-template-columns:1fr 1fr;column-gap:8px}
.kk-legend .sw{width:22px;height:13px;flex:none;box-sizing:border-box}
.kk-legend .dot{width:16px;height:16px;border-radius:50%;flex:none;color:#fff;font-size:10px;
 display:flex;align-items:center;justify-content:center;border:1.5px solid #fff;
 box-shadow:0 0 0 1px #222}
.kk-legend .note{font-size:10px;color:#555;margin-top:4px}
.kk-region-label{font:600 11px/1.1 system-ui,sans-serif;color:#3a1a00;white-space:nowrap;
 text-shadow:0 0 3px #fff,0 0 3px #fff,0 0 2px #fff;transform:translate(-50%,-50%)}
.kk-region-label.kk-anticipeerregio{color:#123b57;font-style:italic}
.kk-pin{width:22px;height:22px;border-radius:50%;color:#fff;font:bold 13px/22px
 "DejaVu Sans",system-ui,sans-serif;text-align:center;border:2px solid #fff;
 box-shadow:0 0 0 1.5px #222,0 1px 3px rgba(0,0,0,.4);box-sizing:border-box;position:relative}
.kk-pin.kk-multi::after{content:attr(data-n);position:absolute;top:-8px;right:-9px;background:#222;
 color:#fff;font-size:9px;line-height:13px;padding:0 3px;border-radius:7px}
.kk-pin.kk-selected{box-shadow:0 0 0 3px #000,0 0 0 6px #ffd400}
.marker-cluster{background-clip:padding-box;border-radius:20px;cursor:pointer}
.marker-cluster div{width:30px;height:30px;margin:5px 0 0 5px;text-align:center;border-radius:15px;
 font:600 12px/30px system-ui,sans-serif;color:#222}
.marker-cluster-small{background:rgba(181,226,140,.6)}
.marker-cluster-small div{background:rgba(110,204,57,.75)}
.marker-cluster-medium{background:rgba(241,211,87,.6)}
.marker-cluster-medium div{background:rgba(240,194,12,.75)}
.marker-cluster-large{background:rgba(253,156,115,.6)}
.marker-cluster-large div{background:rgba(241,128,23,.75)}
"""


class Legend(MacroElement):
    """Legend control: region types (fill + outline style) and, below, the themes."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}<style>{{ this.css }}</style>{% endmacro %}
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent.get_name() }};
            var legend = L.control({position: 'topleft'});
            legend.onAdd = function () {
                var div = L.DomUtil.create('div', 'kk-legend');
                div.innerHTML = {{ this.html_json }};
                // Narrow maps start with the legend folded so it hides no region.
                if (map.getSize().x < {{ this.fold_below }}) {
                    div.querySelector('details').open = false;
                }
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            if (map.zoomControl) { map.zoomControl.setPosition('topright'); }
            legend.addTo(map);
        })();
        {% endmacro %}
        """
    )

    def __init__(self, options: MapOptions, theme_labels: dict[str, str]):
        super().__init__()
        self._name = "Legend"
        self.css = LEGEND_CSS
        self.html_json = js_json(legend_html(options, theme_labels))
        self.fold_below = 800


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
    rows.append(f'<div class="note">{escape(t("credit_regions_note", lang))}</div>')
    summary = escape(t("legend", lang))
    return f"<details open><summary>{summary}</summary>{''.join(rows)}</details>"

