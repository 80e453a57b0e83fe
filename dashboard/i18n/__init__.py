"""Every UI string in Dutch and English, and Dutch/English number formatting.

``t(key, lang, **values)`` looks a string up and fills ``{placeholders}``.
Vocabulary labels (themes, kinds, ...) live with the vocabularies in
``dashboard.domain.vocab``; region types are labelled here.
"""

from __future__ import annotations

from babel.numbers import format_decimal

LANGS = ("nl", "en")
DEFAULT_LANG = "nl"

ABOUT_NL = """
**Krimpkaart** toont waar burgers en ondernemers in krimp- en anticipeerregio's de
leefbaarheid van hun regio zelf oppakken, naast netwerken, fondsen, programma's en
voorbeelden uit het buitenland die daarbij helpen.

**Bronnen.** Gemeentegrenzen 2024, provincies en bevolkingscijfers: CBS/Kadaster (via PDOK en
CBS StatLine 37259NED), CC BY 4.0. Krimp- en anticipeerregio's: de landelijke indeling van 2019
(ministerie van BZK), vertaald naar de gemeenten van 2024; één van de elf anticipeerregio's
ontbreekt in de brontabel en enkele gemeenten vallen maar deels samen met de oorspronkelijke
aanwijzing. Initiatieven: samengesteld uit R. During, *Sociale innovatie als veelbelovend
concept in krimpregio's*, in eigen woorden beschreven, met de feiten en cijfers uit dat artikel.

**Licentie en citeren.** Kaartlagen: CC BY 4.0, bron CBS/Kadaster. Initiatievenbestand:
CC BY 4.0, te citeren als *Krimpkaart, initiatieven sociale innovatie in krimpregio's (2026)*.
Achtergrondkaart: Kaartgegevens © Kadaster (PDOK) of © OpenStreetMap-bijdragers.

**Peildatum.** Grenzen: 1 januari 2024. Bevolking: 1 januari 2014 en 1 januari 2024.
"""

ABOUT_EN = """
**Krimpkaart** shows where citizens and entrepreneurs in the Dutch shrink and anticipation
regions keep their region liveable, together with the networks, funds, programmes and
foreign examples that help them.

**Sources.** Municipal boundaries 2024, provinces and population: CBS/Kadaster (via PDOK and
CBS StatLine 37259NED), CC BY 4.0. Shrink and anticipation regions: the national
classification of 2019 (Ministry of BZK) translated to the 2024 municipalities; one of the
eleven anticipation regions is missing from the source table and some municipalities only
partly match the original designation. Initiatives: compiled from R. During, *Sociale
innovatie als veelbelovend concept in krimpregio's*, described in our own words with the
article's facts and figures.

**Licence and citation.** Map layers: CC BY 4.0, source CBS/Kadaster. Initiatives data set:
CC BY 4.0, cite as *Krimpkaart, social innovation initiatives in shrink regions (2026)*.
Basemap: map data © Kadaster (PDOK) or © OpenStreetMap contributors.

**Reference dates.** Boundaries: 1 January 2024. Population: 1 January 2014 and 1 January 2024.
"""

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
    "regiotype_krimpregio": {"nl": "Krimpregio", "en": "Shrink region"},
    "regiotype_anticipeerregio": {"nl": "Anticipeerregio", "en": "Anticipation region"},
    "regiotype_geen": {"nl": "Overige gemeenten", "en": "Other municipalities"},
    "legend": {"nl": "Legenda", "en": "Legend"},
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
    "filters": {"nl": "Filters", "en": "Filters"},
    "filter_q": {"nl": "Zoeken", "en": "Search"},
    "search_placeholder": {
        "nl": "naam, plaats of beschrijving", "en": "name, place or description",
    },
    "filter_thema": {"nl": "Thema", "en": "Theme"},
    "filter_soort": {"nl": "Soort", "en": "Kind"},
    "filter_regiotype": {"nl": "Regiotype", "en": "Region type"},
    "filter_regio": {"nl": "Regio", "en": "Region"},
    "filter_provincie": {"nl": "Provincie", "en": "Province"},
    "filter_participatie": {"nl": "Participatie (WRR)", "en": "Participation (WRR)"},
    "filter_actor": {"nl": "Actoren", "en": "Actors"},
    "filter_schaal": {"nl": "Schaal", "en": "Scope"},
    "filter_status": {"nl": "Status", "en": "Status"},
    "filter_all": {"nl": "alle", "en": "all"},
    "filter_jaar": {"nl": "Startjaar", "en": "Start year"},
    "filter_van": {"nl": "Startjaar van", "en": "Start year from"},
    "filter_tot": {"nl": "t/m", "en": "to"},
    "year_any": {"nl": "elk jaar", "en": "any year"},
    "with_no_year": {"nl": "ook zonder startjaar", "en": "include those without a start year"},
    "only_with_year": {"nl": "alleen met startjaar", "en": "only with a start year"},
    "reset": {"nl": "Alle filters wissen", "en": "Clear all filters"},
    "map_layers": {"nl": "Kaart", "en": "Map"},
    "basemap": {"nl": "Achtergrondkaart", "en": "Basemap"},
    "basemap_pdok-grijs": {"nl": "PDOK grijs", "en": "PDOK grey"},
    "basemap_pdok-pastel": {"nl": "PDOK pastel", "en": "PDOK pastel"},
    "basemap_pdok-standaard": {"nl": "PDOK standaard", "en": "PDOK standard"},
    "basemap_osm": {"nl": "OpenStreetMap", "en": "OpenStreetMap"},
    "basemap_geen": {"nl": "geen (werkt offline)", "en": "none (works offline)"},
    "layer_population": {
        "nl": "Bevolkingsverandering 2014–2024", "en": "Population change 2014–2024",
    },
    "layer_region_names": {"nl": "Regionamen", "en": "Region names"},
    "tab_map": {"nl": "Kaart", "en": "Map"},
    "tab_overview": {"nl": "Overzicht", "en": "Overview"},
    "tab_about": {"nl": "Over deze kaart", "en": "About this map"},
    "result_line": {
        "nl": "**{n}** van {total} initiatieven getoond · {on_map} op de kaart van Nederland",
        "en": "Showing **{n}** of {total} initiatives · {on_map} on the map of the Netherlands",
    },
    "url_notice": {"nl": "Link deels genegeerd: {notice}", "en": "Link partly ignored: {notice}"},
    "jump_to": {"nl": "Ga naar gemeente of regio", "en": "Go to municipality or region"},
    "jump_placeholder": {
        "nl": "Ga naar gemeente of regio…", "en": "Go to municipality or region…",
    },
    "panel_hint": {
        "nl": "Klik op een initiatief of een gemeente op de kaart voor details, "
        "of kies hierboven een gemeente of regio.",
        "en": "Click an initiative or a municipality on the map for details, "
        "or pick a municipality or region above.",
    },
    "unknown_id": {
        "nl": "Het gekozen initiatief bestaat niet (meer).",
        "en": "The selected initiative does not exist (any more).",
    },
    "selected_filtered_out": {
        "nl": "Dit initiatief valt buiten de huidige filters.",
        "en": "This initiative is outside the current filters.",
    },
    "close": {"nl": "Sluiten", "en": "Close"},
    "outcomes": {"nl": "Resultaten", "en": "Outcomes"},
    "website": {"nl": "Website", "en": "Website"},
    "sources": {"nl": "Bronnen", "en": "Sources"},
    "zoom_to": {"nl": "Zoom naar", "en": "Zoom to"},
    "zoom_europe": {"nl": "Toon Europa", "en": "Show Europe"},
    "field_place": {"nl": "Plaats", "en": "Place"},
    "field_scope": {"nl": "Schaal", "en": "Scope"},
    "field_participation": {"nl": "Participatie (WRR)", "en": "Participation (WRR)"},
    "field_actors": {"nl": "Actoren", "en": "Actors"},
    "field_channels": {"nl": "Kanalen", "en": "Channels"},
    "field_start_year": {"nl": "Startjaar", "en": "Start year"},
    "field_status": {"nl": "Status", "en": "Status"},
    "col_name": {"nl": "Naam", "en": "Name"},
    "col_kind": {"nl": "Soort", "en": "Kind"},
    "region_type": {"nl": "Regiotype", "en": "Region type"},
    "municipalities": {"nl": "Gemeenten", "en": "Municipalities"},
    "inhabitants_2024": {"nl": "Inwoners 2024", "en": "Inhabitants 2024"},
    "initiatives_here": {"nl": "Initiatieven hier", "en": "Initiatives here"},
    "per_10k": {"nl": "Per 10.000 inwoners", "en": "Per 10,000 inhabitants"},
    "none_here": {
        "nl": "Geen initiatieven binnen de huidige filters.",
        "en": "No initiatives within the current filters.",
    },
    "change_partial": {
        "nl": "* Verandering over {n} van {total} gemeenten met vergelijkbare cijfers.",
        "en": "* Change over {n} of {total} municipalities with comparable figures.",
    },
    "region_has_notes": {
        "nl": "{n} gemeente(n) valt maar deels samen met de oorspronkelijke aanwijzing.",
        "en": "{n} municipality(ies) only partly match the original designation.",
    },
    "at_this_point": {"nl": "{n} initiatieven op deze plek", "en": "{n} initiatives at this point"},
    "and_more": {"nl": "en nog {n}", "en": "and {n} more"},
    "cluster_title": {"nl": "{n} initiatieven; klik om in te zoomen",
                      "en": "{n} initiatives; click to zoom in"},
    "more_in_table": {
        "nl": "…en nog {n}; zie de tabel onder Overzicht.",
        "en": "…and {n} more; see the table under Overview.",
    },
    "list_national": {"nl": "Landelijk en online", "en": "National and online"},
    "list_national_help": {
        "nl": "Deze initiatieven hebben geen vaste plek op de kaart.",
        "en": "These initiatives have no single place on the map.",
    },
    "list_abroad": {"nl": "Inspiratie uit het buitenland", "en": "Inspiration from abroad"},
    "list_abroad_help": {
        "nl": "Buitenlandse voorbeelden liggen buiten de kaart van Nederland.",
        "en": "Foreign examples lie outside the map of the Netherlands.",
    },
    "count": {"nl": "Aantal", "en": "Count"},
    "no_results": {
        "nl": "Geen initiatieven met deze filters.", "en": "No initiatives match these filters.",
    },
    "region_table": {"nl": "Initiatieven per regio", "en": "Initiatives per region"},
    "initiatives_table": {"nl": "Alle getoonde initiatieven", "en": "All initiatives shown"},
    "about_body": {
        "nl": ABOUT_NL,
        "en": ABOUT_EN,
    },
    "share_view": {"nl": "Link naar deze kaartweergave", "en": "Link to this map view"},
    "share_view_done": {
        "nl": "De link in de adresbalk opent nu precies deze kaartweergave.",
        "en": "The link in the address bar now reopens exactly this map view.",
    },
    "present_start": {"nl": "Presentatiemodus", "en": "Presentation mode"},
    "present_leave": {"nl": "Stop presentatie", "en": "Leave presentation"},
    "high_contrast": {"nl": "Hoog contrast", "en": "High contrast"},
    "tour": {"nl": "Verhaal", "en": "Story"},
    "tour_choose": {"nl": "Kies een verhaal", "en": "Choose a story"},
    "tour_start": {"nl": "Start verhaal", "en": "Start story"},
    "tour_unknown": {"nl": "Dit verhaal bestaat niet (meer).", "en": "This story does not exist."},
    "tour_edit": {"nl": "Verhalen maken", "en": "Build stories"},
    "tour_new": {"nl": "Nieuw verhaal", "en": "New story"},
    "tour_title": {"nl": "Titel van het verhaal", "en": "Story title"},
    "tour_target": {"nl": "Toon", "en": "Show"},
    "tour_steps": {"nl": "Stappen (initiatieven of regio's)",
                   "en": "Steps (initiatives or regions)"},
    "tour_text": {"nl": "Verteltekst", "en": "Story text"},
    "tour_edit_help": {
        "nl": "De stappen volgen de volgorde van de keuzelijst: haal een stap weg en kies "
        "hem opnieuw om hem achteraan te zetten. Per stap een korte verteltekst.",
        "en": "Steps follow the order of the list: remove a step and pick it again to move "
        "it to the end. A short story text per step.",
    },
    "tour_saved": {"nl": "Verhaal opgeslagen: {title}", "en": "Story saved: {title}"},
    "tour_prev": {"nl": "Vorige", "en": "Previous"},
    "tour_next": {"nl": "Volgende", "en": "Next"},
    "tour_stop": {"nl": "Stop", "en": "Stop"},
    "tour_step": {"nl": "stap {n} van {total}", "en": "step {n} of {total}"},
    "facilitator": {"nl": "Begeleider: bewerken", "en": "Facilitator: editing"},
    "facilitator_as": {"nl": "Bewerken als **{name}**.", "en": "Editing as **{name}**."},
    "lock": {"nl": "Vergrendelen", "en": "Lock"},
    "your_name": {"nl": "Je naam (bij je wijzigingen)", "en": "Your name (shown with changes)"},
    "passcode": {"nl": "Wachtwoord begeleider", "en": "Facilitator passcode"},
    "unlock": {"nl": "Ontgrendelen", "en": "Unlock"},
    "wrong_passcode": {"nl": "Onjuist wachtwoord.", "en": "Wrong passcode."},
    "too_many_attempts": {
        "nl": "Te veel pogingen; probeer het over {s} seconden opnieuw.",
        "en": "Too many attempts; try again in {s} seconds.",
    },
    "author_required": {
        "nl": "Vul je naam in (1–60 tekens), zodat wijzigingen op jouw naam staan.",
        "en": "Enter your name (1–60 characters) so changes are recorded under it.",
    },
    "add_title": {"nl": "Initiatief toevoegen", "en": "Add an initiative"},
    "add_where": {"nl": "Locatie", "en": "Location"},
    "add_where_click": {"nl": "klik op de kaart", "en": "click on the map"},
    "add_where_gemeente": {"nl": "kies een gemeente", "en": "pick a municipality"},
    "add_click_hint": {
        "nl": "Klik op de kaart waar het initiatief zit.",
        "en": "Click on the map where the initiative is.",
    },
    "add_point": {"nl": "Gekozen punt: {lat}, {lon} ({where})",
                  "en": "Chosen point: {lat}, {lon} ({where})"},
    "outside_nl": {"nl": "buiten Nederland", "en": "outside the Netherlands"},
    "add_approx": {
        "nl": "Het punt komt in het midden van de gemeente (locatie bij benadering).",
        "en": "The point goes to the middle of the municipality (approximate location).",
    },
    "approximate_location": {
        "nl": "Locatie bij benadering (midden van de gemeente).",
        "en": "Approximate location (middle of the municipality).",
    },
    "choose": {"nl": "kies…", "en": "choose…"},
    "add_summary": {"nl": "Korte beschrijving", "en": "Short description"},
    "add_description": {"nl": "Beschrijving", "en": "Description"},
    "add_confirm_similar": {
        "nl": "Toch toevoegen als er dichtbij al een gelijknamig initiatief staat",
        "en": "Add even if a similarly named initiative lies nearby",
    },
    "add_similar": {
        "nl": "Binnen 2 km staat al: {names}. Vink ‘toch toevoegen’ aan als het een ander "
        "initiatief is.",
        "en": "Within 2 km there is already: {names}. Tick ‘add even if’ if this is a "
        "different initiative.",
    },
    "added": {"nl": "Toegevoegd: {name}", "en": "Added: {name}"},
    "save": {"nl": "Opslaan", "en": "Save"},
    "cancel": {"nl": "Annuleren", "en": "Cancel"},
    "form_has_problems": {
        "nl": "Niet opgeslagen; verbeter het volgende (er gaat niets verloren):",
        "en": "Not saved; please fix the following (nothing is lost):",
    },
    "save_failed": {"nl": "Opslaan mislukt: {error}", "en": "Saving failed: {error}"},
    "edit": {"nl": "Bewerken", "en": "Edit"},
    "delete": {"nl": "Verwijderen", "en": "Delete"},
    "delete_confirm": {
        "nl": "**{name}** verwijderen? Dit kan met ‘ongedaan maken’ worden teruggedraaid.",
        "en": "Delete **{name}**? ‘Undo’ can bring it back.",
    },
    "edit_conflict": {
        "nl": "Iemand anders heeft dit initiatief intussen gewijzigd; sluit en open het opnieuw.",
        "en": "Someone else changed this initiative meanwhile; close and open it again.",
    },
    "undo": {"nl": "Laatste wijziging ongedaan maken", "en": "Undo my last change"},
    "undo_done": {"nl": "Ongedaan gemaakt: {name}", "en": "Undone: {name}"},
    "undo_nothing": {"nl": "Er is niets om ongedaan te maken.", "en": "Nothing to undo."},
    "undo_conflict": {
        "nl": "Kan niet: {name} is daarna gewijzigd door {by}.",
        "en": "Cannot: {name} was changed afterwards by {by}.",
    },
    "undo_conflict_deleted": {
        "nl": "Kan niet: {name} is intussen verwijderd.",
        "en": "Cannot: {name} has been deleted meanwhile.",
    },
    "undo_conflict_readded": {
        "nl": "Kan niet: {name} is intussen opnieuw toegevoegd.",
        "en": "Cannot: {name} was added again meanwhile.",
    },
    "store_busy": {
        "nl": "De opslag is even bezet; probeer het opnieuw.",
        "en": "The store is busy; please try again.",
    },
    "undo_failed": {"nl": "Ongedaan maken mislukt: {error}", "en": "Undo failed: {error}"},
    "import": {"nl": "Bestand importeren", "en": "Import a file"},
    "import_help": {
        "nl": "CSV (komma of puntkomma), XLSX, GeoJSON of GeoPackage, tot {mb} MB. "
        "Er wordt pas iets opgeslagen als elke rij klopt.",
        "en": "CSV (comma or semicolon), XLSX, GeoJSON or GeoPackage, up to {mb} MB. "
        "Nothing is saved unless every row is valid.",
    },
    "import_file": {"nl": "Bestand", "en": "File"},
    "import_row": {"nl": "Rij", "en": "Row"},
    "import_field": {"nl": "Veld", "en": "Field"},
    "import_message": {"nl": "Melding", "en": "Message"},
    "import_severity": {"nl": "Soort", "en": "Severity"},
    "import_rejected": {
        "nl": "Niet geïmporteerd: {n} rij(en) met fouten. Er is niets gewijzigd.",
        "en": "Not imported: {n} row(s) with errors. Nothing was changed.",
    },
    "import_ready": {"nl": "{n} initiatieven klaar om te importeren.",
                     "en": "{n} initiatives ready to import."},
    "import_go": {"nl": "Importeer {n} initiatieven", "en": "Import {n} initiatives"},
    "import_done": {"nl": "{n} initiatieven geïmporteerd.", "en": "{n} initiatives imported."},
    "tab_export": {"nl": "Exporteren", "en": "Export"},
    "export_intro": {
        "nl": "Exporteer precies wat de filters nu tonen: als afbeelding voor dia's en "
        "rapporten, als interactieve kaart (één HTML-bestand) of als data.",
        "en": "Export exactly what the filters show now: as an image for slides and reports, "
        "as an interactive map (one HTML file) or as data.",
    },
    "export_format": {"nl": "Formaat", "en": "Format"},
    "export_title": {"nl": "Titel", "en": "Title"},
    "export_preset": {"nl": "Afmeting", "en": "Size"},
    "preset_slide": {"nl": "Dia 16:9 (1920×1080)", "en": "Slide 16:9 (1920×1080)"},
    "preset_slide2x": {"nl": "Dia 16:9 scherp (3840×2160)", "en": "Slide 16:9 sharp (3840×2160)"},
    "preset_a4": {"nl": "A4 staand", "en": "A4 portrait"},
    "preset_a4-landscape": {"nl": "A4 liggend", "en": "A4 landscape"},
    "export_dpi": {"nl": "Resolutie (dpi)", "en": "Resolution (dpi)"},
    "export_labels": {"nl": "Namen van initiatieven tonen", "en": "Show initiative names"},
    "export_use_view": {"nl": "Alleen de huidige kaartweergave", "en": "Only the current map view"},
    "export_view_set": {
        "nl": "De export toont het kaartbeeld zoals het nu op het scherm staat.",
        "en": "The export shows the map view as it is on screen now.",
    },
    "export_view_forget": {"nl": "Heel Nederland", "en": "Whole Netherlands"},
    "export_make": {"nl": "Maak bestand", "en": "Make file"},
    "export_busy": {"nl": "Bezig met maken…", "en": "Making the file…"},
    "export_download": {"nl": "Download {name}", "en": "Download {name}"},
    "export_alt": {
        "nl": "Alt-tekst (beschrijving voor schermlezers)",
        "en": "Alt text (description for screen readers)",
    },
    # --- export strings (static images, HTML and data exports) ---
    "export_title_default": {
        "nl": "Sociale innovatie in krimpregio's",
        "en": "Social innovation in Dutch shrink regions",
    },
    "export_title_filtered": {"nl": "Initiatieven: {what}", "en": "Initiatives: {what}"},
    "export_title_selection": {"nl": "selectie", "en": "selection"},
    "export_in_krimpregio": {"nl": "in krimpregio's", "en": "in shrink regions"},
    "export_in_anticipeerregio": {"nl": "in anticipeerregio's", "en": "in anticipation regions"},
    "export_in_geen": {
        "nl": "buiten krimp- en anticipeerregio's",
        "en": "outside shrink and anticipation regions",
    },
    "export_in_place": {"nl": "in {place}", "en": "in {place}"},
    "export_and": {"nl": "en", "en": "and"},
    "export_count_one": {"nl": "1 initiatief", "en": "1 initiative"},
    "export_count": {"nl": "{n} initiatieven", "en": "{n} initiatives"},
    "export_none": {"nl": "geen initiatieven", "en": "no initiatives"},
    "export_empty_map": {
        "nl": "Geen initiatieven op deze kaart",
        "en": "No initiatives on this map",
    },
    "export_abroad": {"nl": "+{n} in het buitenland", "en": "+{n} abroad"},
    "export_unmapped": {"nl": "+{n} landelijk/online", "en": "+{n} national/online"},
    "export_outside_view": {"nl": "+{n} buiten dit kaartbeeld", "en": "+{n} outside this view"},
    "export_source": {
        "nl": "Bron: CBS/Kadaster (CC BY 4.0); initiatieven: Krimpkaart (CC BY 4.0), {date}",
        "en": "Source: CBS/Kadaster (CC BY 4.0); initiatives: Krimpkaart (CC BY 4.0), {date}",
    },
    "export_no_theme": {"nl": "Zonder thema", "en": "No theme"},
    "export_legend_initiatives": {
        "nl": "Initiatieven (kleur: eerste thema)",
        "en": "Initiatives (colour: first theme)",
    },
    "export_legend_multi": {
        "nl": "getal = aantal initiatieven op één plek",
        "en": "number = initiatives at one place",
    },
    "export_alt_map": {"nl": "Kaart van Nederland", "en": "Map of the Netherlands"},
    "export_alt_view": {
        "nl": "Kaartuitsnede van Nederland",
        "en": "Section of the map of the Netherlands",
    },
    "export_alt_shows": {
        "nl": "{map} met {count} als gekleurde punten (kleur en symbool volgens thema).",
        "en": "{map} showing {count} as coloured points (colour and symbol by theme).",
    },
    "export_alt_shows_none": {
        "nl": "{map} zonder initiatieven: geen enkel initiatief voldoet aan de filters.",
        "en": "{map} without initiatives: none match the filters.",
    },
    "export_alt_filters": {"nl": "Filters: {filters}.", "en": "Filters: {filters}."},
    "export_alt_regions": {
        "nl": "Gemeenten zijn gekleurd naar regiotype: {krimp} krimpregio's in oranje met "
        "doorgetrokken rand en {antic} anticipeerregio's in blauw met gestreepte rand.",
        "en": "Municipalities are coloured by region type: {krimp} shrink regions in orange with "
        "a solid outline and {antic} anticipation regions in blue with a dashed outline.",
    },
    "export_alt_population": {
        "nl": "Gemeenten zijn gekleurd naar bevolkingsverandering 2014–2024 (bruin: afname, "
        "blauwgroen: groei); krimp- en anticipeerregio's zijn omlijnd.",
        "en": "Municipalities are coloured by population change 2014–2024 (brown: decline, "
        "teal: growth); shrink and anticipation regions are outlined.",
    },
    "export_alt_top": {"nl": "De meeste initiatieven liggen in {places}.",
                       "en": "Most initiatives are in {places}."},
    "export_alt_themes": {"nl": "Thema's op de kaart: {themes}.",
                          "en": "Themes on the map: {themes}."},
    "export_alt_not_shown": {"nl": "Niet op de kaart: {items}.", "en": "Not on the map: {items}."},
    "export_alt_abroad": {"nl": "{n} in het buitenland", "en": "{n} abroad"},
    "export_alt_unmapped": {"nl": "{n} landelijk of online", "en": "{n} national or online"},
    "export_alt_outside": {"nl": "{n} buiten dit kaartbeeld", "en": "{n} outside this view"},
    # --- end export strings ---
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
