"""Guided tours ("verhalen"): the built-in story of the article and facilitators' own tours.

A tour is ``{id, title, steps}``; a step points at an initiative (``initiative_id``)
or at a region (``region``, a slug from ``geodata/regios.geojson``) and carries a
short story text (``text``, optionally ``text_en``). The built-in tour lives in
code so it can never be lost or broken by an edit; stored tours come from the
store. The store only keeps ``initiative_id`` and ``text`` per step, so region
steps are stored as ``initiative_id = "regio:<slug>"`` (a colon never occurs in
an initiative id) and decoded again here; ``text_en`` of own tours is not kept.
Steps are numbered from 0 here; the URL's ``stap`` counts from 1.
"""

from __future__ import annotations

import copy
from collections.abc import Collection, Iterable, Mapping
from typing import Any

from dashboard.i18n import Message, msg
from dashboard.store import Store
from dashboard.text import slugify

Tour = dict[str, Any]
Step = dict[str, str]

DEFAULT_TOUR_ID = "verhaal-krimpregios"
REGION_PREFIX = "regio:"
TEXT_MAX = 600
TITLE_MAX = 200
ID_MAX = 80


def _step(text: str, text_en: str, *, initiative_id: str = "", region: str = "") -> Step:
    return {"initiative_id": initiative_id, "region": region, "text": text, "text_en": text_en}


DEFAULT_TOUR: Tour = {
    "id": DEFAULT_TOUR_ID,
    "title": "Sociale innovatie in krimpregio's: van keukentafel tot Birmingham",
    "title_en": "Social innovation in shrink regions: from kitchen table to Birmingham",
    "steps": [
        _step(
            "In krimpregio's als Oost-Groningen wachten bewoners en ondernemers niet langer "
            "af. Ze nemen zelf verantwoordelijkheid voor de leefbaarheid van hun streek en "
            "gaan daarbij buiten de gebaande paden. Dat heet sociale innovatie. Het doel is "
            "niet groei, maar samen overeind houden wat een dorp leefbaar maakt. Internet en "
            "sociale media helpen mensen met hetzelfde doel elkaar te vinden.",
            "In shrink regions such as East Groningen, residents and entrepreneurs no longer "
            "wait for others. They take charge of keeping their area liveable and step "
            "outside the usual structures to do so. That is social innovation. The aim is "
            "not growth but keeping, together, what makes a village a good place to live. "
            "The internet and social media help like-minded people find each other.",
            region="oost-groningen",
        ),
        _step(
            "Het begon aan de keukentafel. In drie buurtschappen, Höfte, Veele en "
            "Wessinghuizen, schreven zo'n dertig gezinnen samen een eigen markeplan, vanuit "
            "wat zij zelf belangrijk vinden aan hun omgeving. Oude lanen zijn hersteld, er "
            "kwamen wandelpaden en een zelfgebouwde brug. Zo ontstonden na de oorlog de "
            "meeste veranderingen op het platteland: in gesprekken thuis.",
            "It started at the kitchen table. In three hamlets, Höfte, Veele and "
            "Wessinghuizen, about thirty families wrote their own plan for the area, based on "
            "what they value in their surroundings. Old lanes were restored, footpaths laid "
            "and a bridge built by the residents. After the war, most change in the "
            "countryside came about just like this: in conversations at home.",
            initiative_id="boermarke-essen-en-aas",
        ),
        _step(
            "In Oostburg in Zeeuws-Vlaanderen helpen bewoners elkaar bij het opknappen van "
            "verwaarloosde huizen, met een architect die meedenkt. De woningen stegen in "
            "waarde van zo'n 70.000 naar 125.000 à 140.000 euro en verkopen beter. Op "
            "sommige plekken bleef sloop zo achterwege, en er ontstond tijdelijk een nieuwe "
            "lokale economie. Zulke praktijkproeven zijn in krimpgebieden nog zeldzaam.",
            "In Oostburg, Zeeuws-Vlaanderen, residents help each other renovate neglected "
            "houses, advised by an architect. The houses rose in value from about 70,000 to "
            "125,000–140,000 euros and sell more easily. In some places demolition was "
            "avoided, and a temporary new local economy grew. Hands-on experiments like this "
            "are still rare in shrink regions.",
            initiative_id="klushuizen-oostburg",
        ),
        _step(
            "Een zijstap naar Amsterdam. Een LinkedIn-groep ergerde zich aan de vele "
            "braakliggende terreinen en schatte wat die per jaar kosten: 15.000 à 40.000 "
            "euro. De leden maakten samen een eigen kaart van die terreinen en dwongen de "
            "gemeente zo de officiële kaart te delen. Braakliggend land is ook een vorm van "
            "krimp, en het laat zien hoe weinig overheid nodig is als mensen zich organiseren.",
            "A detour to Amsterdam. A LinkedIn group was bothered by the many vacant lots "
            "and estimated their yearly cost at 15,000 to 40,000 euros. Together the members "
            "drew their own map of the lots and so pushed the city to share its official "
            "one. Vacant land is a form of shrinkage too, and it shows how little government "
            "is needed once people organise themselves.",
            initiative_id="linkedin-braakliggende-terreinen-amsterdam",
        ),
        _step(
            "Daarna ging het gesprek verder op Twitter en Facebook: wat kunnen bewoners zelf "
            "met die terreinen? Er ontstonden veel bewonersinitiatieven, die de zender AT5 "
            "volgde in het programma Stadsoase. Sociale media werken zo als springplank, en "
            "soms als drukmiddel, voor nieuwe ideeën en projecten in de echte wereld.",
            "The conversation then moved to Twitter and Facebook: what could residents do "
            "with those lots themselves? Many residents' initiatives followed, and local "
            "broadcaster AT5 tracked them in its programme Stadsoase. Social media thus act "
            "as a springboard, and sometimes as leverage, for new ideas and offline projects.",
            initiative_id="at5-stadsoase",
        ),
        _step(
            "Makkelijk is het niet. Burgerinitiatieven passen vaak niet in de bestaande "
            "beleidskaders, en overheden weten er niet altijd raad mee. Dat bleek uit de "
            "ingewikkelde discussies over het wel of niet opheffen van het dorp Ganzedijk. "
            "Ook instellingen, bijvoorbeeld in de zorg, denken vooral aan slimmer organiseren "
            "binnen de vertrouwde structuren.",
            "It is not easy. Citizens' initiatives often do not fit existing policy, and "
            "governments do not always know how to deal with them. The tangled debate about "
            "whether or not to dissolve the village of Ganzedijk showed this. Institutions, "
            "in care for instance, mostly think of organising smarter within the familiar "
            "structures.",
            initiative_id="ganzedijk",
        ),
        _step(
            "Werkt de keukentafel nog nu er veel stedelingen op het platteland wonen? Het "
            "antwoord komt uit de stad. In Birmingham werkt men al dertig jaar met het "
            "Ashram-model: medewerkers van woningcorporaties zoeken eerst de ambassadeurs "
            "van de wijk op, die vertellen wie de wijk dragen. Daarna volgen honderd "
            "keukentafelgesprekken, en daaruit evenementen en actieplannen.",
            "Does the kitchen table still work now that many city people live in the "
            "countryside? The answer comes from the city. In Birmingham the Ashram model has "
            "been used for thirty years: housing association staff first seek out the "
            "neighbourhood's ambassadors, who point out the people who hold it together. "
            "Then come a hundred kitchen-table conversations, and from them events and "
            "action plans.",
            initiative_id="ashram-neighbourhood-development-model-birmingham",
        ),
        _step(
            "Zo is de cirkel van stad en platteland rond. De les voor krimpregio's, van "
            "Zeeuws-Vlaanderen tot Oost-Groningen: neem modellen over die zich in de "
            "praktijk bewezen hebben en verweef er sociale media in. Het gaat om sociaal "
            "kapitaal: zonder mensen die elkaar kennen en voor elkaar klaarstaan, blijft "
            "een regio niet leefbaar. Welke initiatieven kent u in uw eigen regio?",
            "And so the circle of city and countryside closes. The lesson for shrink "
            "regions, from Zeeuws-Vlaanderen to East Groningen: adopt models proven in "
            "practice and weave social media into them. It is about social capital: without "
            "people who know each other and look out for each other, no region stays "
            "liveable. Which initiatives do you know in your own region?",
            region="zeeuws-vlaanderen",
        ),
    ],
}


# --- reading tours --------------------------------------------------------------------------


def _decode_step(step: dict[str, Any]) -> Step:
    """A stored step in the shape of the built-in ones (region steps unpacked)."""
    target = str(step.get("initiative_id") or "")
    region = str(step.get("region") or "")
    if target.startswith(REGION_PREFIX):
        target, region = "", target.removeprefix(REGION_PREFIX)
    return _step(str(step.get("text") or ""), str(step.get("text_en") or ""),
                 initiative_id=target, region=region)


def _decode(tour: Mapping[str, Any]) -> Tour:
    return {**tour, "steps": [_decode_step(s) for s in tour.get("steps") or []]}


def all_tours(store: Store) -> list[Tour]:
    """The built-in tour first, then the stored ones by title."""
    stored = [_decode(t) for t in store.list_tours() if t["id"] != DEFAULT_TOUR_ID]
    return [copy.deepcopy(DEFAULT_TOUR), *stored]


def get_tour(store: Store, id: str) -> Tour | None:
    """The tour with this id (built-in or stored), or None; callers may change the copy."""
    if id == DEFAULT_TOUR_ID:
        return copy.deepcopy(DEFAULT_TOUR)
    tour = store.get_tour(id)
    return None if tour is None else _decode(tour)


def tour_title(tour: Tour, lang: str = "nl") -> str:
    """The title in ``lang``, falling back to the Dutch one."""
    return (tour.get("title_en") if lang == "en" else None) or tour.get("title") or ""


def step_text(step: Step, lang: str = "nl") -> str:
    """The story text in ``lang``, falling back to the Dutch one (own tours are one-language)."""
    return (step.get("text_en") if lang == "en" else None) or step.get("text") or ""


def region_slugs() -> set[str]:
    """Slugs a region step may point at (read lazily: geo pulls in geopandas)."""
    from dashboard import geo

    return set(geo.regions()["slug"])


# --- checking and saving --------------------------------------------------------------------


def validate_tour(
    tour: Tour, known_ids: Collection[str], known_regions: Collection[str]
) -> list[Message]:
    """Every problem that keeps a tour from being saved or played; empty when fine."""
    problems: list[Message] = []
    title = str(tour.get("title") or "").strip()
    if not title:
        problems.append(msg("tour_problem_no_title"))
    elif len(title) > TITLE_MAX:
        problems.append(msg("tour_problem_title_long", length=len(title), limit=TITLE_MAX))
    steps = tour.get("steps") or []
    if not steps:
        problems.append(msg("tour_problem_no_steps"))
    for n, raw in enumerate(steps, start=1):
        item = _decode_step(raw)
        target, region = item["initiative_id"], item["region"]
        if target and region:
            problems.append(msg("tour_problem_both", step=n))
        elif target and target not in known_ids:
            problems.append(msg("tour_problem_unknown_initiative", step=n, target=target))
        elif region and region not in known_regions:
            problems.append(msg("tour_problem_unknown_region", step=n, region=region))
        elif not target and not region:
            problems.append(msg("tour_problem_empty_step", step=n))
        for key in ("text", "text_en"):
            if len(item[key]) > TEXT_MAX:
                problems.append(msg("tour_problem_text_long", step=n, length=len(item[key]),
                                    limit=TEXT_MAX))
    return problems


def tour_id_from_title(title: str, existing: Iterable[str]) -> str:
    """A fresh slug id for a new tour; the built-in id is always taken."""
    taken = {*existing, DEFAULT_TOUR_ID}
    base = slugify(title, ID_MAX - 4) or "verhaal"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def save_tour(store: Store, tour: Tour, author: str) -> Tour:
    """Store an own tour (encoding region steps); the built-in tour cannot be overwritten.

    Validate first with ``validate_tour``; this only refuses what the store cannot hold.
    """
    if tour.get("id") == DEFAULT_TOUR_ID:
        raise ValueError("the built-in tour cannot be overwritten; save it under a new title")
    steps = []
    for raw in tour.get("steps") or []:
        item = _decode_step(raw)
        target = item["initiative_id"] or f"{REGION_PREFIX}{item['region']}"
        steps.append({"initiative_id": target, "text": item["text"]})
    saved = store.save_tour(
        {"id": tour["id"], "title": str(tour.get("title") or "").strip(), "steps": steps}, author
    )
    return _decode(saved)


# --- playing and editing --------------------------------------------------------------------


def clamp(tour: Tour, index: int) -> int:
    """``index`` moved into the tour's range (0 for an empty tour)."""
    return max(0, min(index, len(tour.get("steps") or []) - 1))


def step(tour: Tour, index: int) -> tuple[int, Step | None]:
    """(clamped index, that step); the step is None only for a tour without steps."""
    steps = tour.get("steps") or []
    index = clamp(tour, index)
    return index, (_decode_step(steps[index]) if steps else None)


def next_index(tour: Tour, index: int) -> int:
    """The following step, staying on the last one."""
    return clamp(tour, index + 1)


def prev_index(tour: Tour, index: int) -> int:
    """The previous step, staying on the first one."""
    return clamp(tour, index - 1)


def index_from_stap(stap: int) -> int:
    """0-based index from the URL's ``stap`` (1-based; 0 means not given)."""
    return max(0, stap - 1)


def stap_from_index(index: int) -> int:
    """The URL's ``stap`` (1-based) for a 0-based index."""
    return index + 1


def move_step(tour: Tour, index: int, delta: int) -> Tour:
    """A copy with step ``index`` moved ``delta`` places (kept within the tour)."""
    new = copy.deepcopy(tour)
    steps = new.get("steps") or []
    if not 0 <= index < len(steps):
        return new
    target = max(0, min(index + delta, len(steps) - 1))
    steps.insert(target, steps.pop(index))
    return new


def add_step(tour: Tour, *, initiative_id: str = "", region: str = "", text: str = "") -> Tour:
    """A copy with one step appended."""
    new = copy.deepcopy(tour)
    new["steps"] = [*(new.get("steps") or []),
                    _step(text, "", initiative_id=initiative_id, region=region)]
    return new


def remove_step(tour: Tour, index: int) -> Tour:
    """A copy without step ``index`` (unchanged when out of range)."""
    new = copy.deepcopy(tour)
    steps = new.get("steps") or []
    if 0 <= index < len(steps):
        steps.pop(index)
    return new
