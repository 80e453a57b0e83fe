"""The message catalog: both languages complete and alike, every key the code asks for
present, no dead entries, and the files shipped with the package.

Keys used in the code are found with ``ast``: the first argument of ``t``/``msg``/
``Message``/``lookup``, the key argument of the calls that take one further on
(``say``, ``problem``, ``Note``, ``self.error``/``self.warn``, ``UndoOutcome``,
``AuthorError``) and ``key=`` of every ``LocalizedError`` subclass. Keys built with an
f-string must start with a prefix listed in ``DYNAMIC``, which spells out every key
such a prefix can produce.
"""

from __future__ import annotations

import ast
import tomllib
from collections.abc import Iterator
from fnmatch import fnmatch
from pathlib import Path

import pytest
from babel import Locale

import dashboard
from dashboard.domain.record import RECORD_FIELDS
from dashboard.domain.vocab import VOCABULARIES
from dashboard.export import PRESET_NAMES
from dashboard.geo import provenance
from dashboard.geo.build import PROVENANCE_KINDS
from dashboard.i18n import LANGS, LocalizedError, catalog
from dashboard.query.state import BASEMAP_KEYS, FACETS, REGIOTYPES
from dashboard.tabular.reading import FORMATS, OTHER_KINDS

PACKAGE = Path(dashboard.__file__).resolve().parent
ROOT = PACKAGE.parent
ROW_LABELS = ("row", "feature")

# Every key a prefix in an f-string can make, spelled out (see the callers named).
DYNAMIC: dict[str, set[str]] = {
    "filter_": {f"filter_{f.key}" for f in FACETS} | {"filter_van", "filter_tot"},  # sidebar
    "regiotype_": {f"regiotype_{r}" for r in REGIOTYPES},  # i18n.regiotype_label
    "basemap_": {f"basemap_{b}" for b in BASEMAP_KEYS},  # sidebar.map_options
    "add_where_": {"add_where_click", "add_where_gemeente"},  # editor.add_panel
    "edit_where_": {f"edit_where_{h}" for h in ("keep", "map", "coords", "gemeente")},  # edit
    "preset_": {f"preset_{p}" for p in PRESET_NAMES},  # export_tab
    "export_in_": {f"export_in_{r}" for r in REGIOTYPES},  # export.content.default_title
    "field_": {f"field_{f}" for f in (*RECORD_FIELDS, "location")},  # i18n.field_label
    "noun_": {f"noun_{v.name}" for v in VOCABULARIES.values()},  # validation.unknown_term
    "file_kind_": {f"file_kind_{k}" for k in (*FORMATS, *OTHER_KINDS)},  # reading.kind_name
    "severity_": {"severity_error", "severity_warning"},  # import report, editor
    "where_": {f"where_{r}" for r in ROW_LABELS},  # ImportReport.where
    "where_in_": {f"where_in_{r}" for r in ROW_LABELS},  # importing._check_rows
    "count_": {f"count_{r}s" for r in ROW_LABELS},  # importing.format_report
    # geo.provenance: every region has its few words, every reconstructed region (and
    # Noordoost-Fryslân, for Tytsjerksteradiel) a note, every partly designated member one.
    "region_basis_": {f"region_basis_{k}" for k in PROVENANCE_KINDS},
    "region_source_": {f"region_source_{r.slug}" for r in provenance.all_regions()},
    "region_note_": {f"region_note_{r.slug}" for r in provenance.all_regions()
                     if r.reconstructed} | {"region_note_noordoost-fryslan"},
    "partial_note_": {f"partial_note_{c}" for c in provenance.partly_designated()},
}
# Calls whose key is not the first argument: name -> index of the key argument.
KEY_ARGUMENT = {"say": 1, "problem": 1, "Note": 1, "error": 1, "warn": 1, "UndoOutcome": 1,
                "AuthorError": 1, "t": 0, "msg": 0, "Message": 0, "lookup": 0}
# Catalog-entry prefixes: a string constant starting with one of these is meant as a key
# (such as the keys ``check_url`` returns), except these names of other things.
MESSAGE_PREFIXES = ("val_", "read_", "imp_", "notice_", "store_", "seed_", "cli_",
                    "tour_problem_", "file_kind_", "preset_", "place_", "report_")
NOT_KEYS = {"read_frame", "read_seed", "read_table", "store_exists",  # functions in __all__
            "store_true"}  # argparse's action


def _subclasses(cls: type) -> set[str]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub.__name__, *_subclasses(sub)}
    return found


def _import_everything() -> None:
    """Load every module, so every LocalizedError subclass is known."""
    import importlib

    for path in PACKAGE.rglob("*.py"):
        if path.name in ("app.py", "__main__.py"):
            continue
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        importlib.import_module(module.removesuffix(".__init__"))


def _sources() -> Iterator[tuple[Path, ast.AST]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path, ast.parse(path.read_text(encoding="utf-8"), str(path))


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _constants(node: ast.expr) -> list[ast.expr]:
    """The possible values of an argument: both branches of ``a if c else b``."""
    if isinstance(node, ast.IfExp):
        return _constants(node.body) + _constants(node.orelse)
    return [node]


def key_uses() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(literal key -> places, f-string prefix -> places) over the package's code."""
    _import_everything()
    errors = _subclasses(LocalizedError)
    literal: dict[str, list[str]] = {}
    prefixed: dict[str, list[str]] = {}
    for path, tree in _sources():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = _name(node.func)
            candidates: list[ast.expr] = []
            index = KEY_ARGUMENT.get(name)
            if name in ("error", "warn") and not (
                    isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name)
                    and node.func.value.id == "self" and path.name == "validation.py"):
                index = None  # st.error(...) and friends take text, not keys
            if index is not None and len(node.args) > index:
                candidates += _constants(node.args[index])
            if name in errors:
                candidates += [k.value for k in node.keywords if k.arg == "key"]
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            for arg in candidates:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and arg.value:
                    literal.setdefault(arg.value, []).append(where)
                elif isinstance(arg, ast.JoinedStr) and arg.values and isinstance(
                        arg.values[0], ast.Constant):
                    prefixed.setdefault(str(arg.values[0].value), []).append(where)
    return literal, prefixed


def all_string_constants() -> set[str]:
    """Every string literal, leaving out the fixed parts of f-strings."""
    found: set[str] = set()
    for _, tree in _sources():
        parts = {id(v) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr)
                 for v in node.values}
        found |= {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant)
                  and isinstance(node.value, str) and id(node) not in parts}
    return found


def forms(entry: catalog.Entry) -> dict[str, str]:
    return {"": entry} if isinstance(entry, str) else dict(entry)


# --------------------------------------------------------------------------- the files


def test_every_key_exists_in_both_languages():
    nl, en = catalog.entries("nl"), catalog.entries("en")
    assert sorted(set(nl) - set(en)) == [] and sorted(set(en) - set(nl)) == []
    assert len(nl) > 400


@pytest.mark.parametrize("key", sorted(catalog.entries("nl")))
def test_placeholders_match_between_languages_per_form(key):
    nl, en = catalog.entries("nl")[key], catalog.entries("en")[key]
    assert isinstance(nl, str) == isinstance(en, str), "plural in one language only"
    for lang, entry in (("nl", nl), ("en", en)):
        if isinstance(entry, dict):  # every form the language's plural rules can pick
            assert set(Locale.parse(lang).plural_form.tags) | {"other"} <= set(entry), lang
    expected = catalog.placeholders(next(iter(forms(nl).values())))
    for lang, entry in (("nl", nl), ("en", en)):
        for form, text in forms(entry).items():
            assert catalog.placeholders(text) == expected, (lang, form)
            assert all(name and not name.isdigit() for name in catalog.placeholders(text))
            assert text.strip(), (lang, form)


def test_catalog_files_ship_with_the_package():
    """A non-editable install gets exactly these files through setuptools' package-data."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["dashboard.i18n"]
    for lang in LANGS:
        path = catalog.catalog_path(lang)
        assert path.parent == PACKAGE / "i18n"
        assert any(fnmatch(path.name, pattern) for pattern in patterns)


# --------------------------------------------------------------------------- keys in the code


def test_every_key_used_in_the_code_exists():
    literal, prefixed = key_uses()
    known = set(catalog.entries("nl"))
    assert literal, "the scan found no keys at all"
    missing = {key: places for key, places in literal.items() if key not in known}
    assert missing == {}
    assert {p: places for p, places in prefixed.items() if p not in DYNAMIC} == {}, \
        "an f-string key with a prefix DYNAMIC does not list"
    for prefix, keys in DYNAMIC.items():
        assert keys - known == set(), prefix
    stray = {c for c in all_string_constants() if c.startswith(MESSAGE_PREFIXES)
             and c not in known | NOT_KEYS}
    assert stray == set(), "a message-looking string that is not in the catalog"


def test_no_unused_keys():
    literal, _ = key_uses()
    used = set(literal) | set().union(*DYNAMIC.values()) | all_string_constants()
    unused = sorted(set(catalog.entries("nl")) - used)
    assert unused == []


def test_the_scan_sees_keys_in_each_kind_of_call():
    """Guards the scanner itself: one known key per kind of call site."""
    literal, prefixed = key_uses()
    for key in ("app_title",  # t(...)
                "val_year_range",  # self.error(field, key, ...)
                "val_source_url",  # msg(...)
                "read_not_a_table",  # TableError(key=...)
                "read_column_no_name",  # Note(row, key, ...)
                "store_not_found",  # NotFound(key=...)
                "cli_would_add",  # say(lang, key, ...)
                "place_code_unknown",  # validation.problem(field, key, ...)
                "undo_nothing",  # UndoOutcome(ok, key, ...)
                "export_alt_view", "export_alt_map"):  # both branches of a conditional key
        assert key in literal, key
    assert {"filter_", "file_kind_", "severity_", "where_in_"} <= set(prefixed)


def test_every_localized_error_raised_carries_a_key():
    """Store, file and command-line errors reach people: each must be translatable."""
    _import_everything()
    errors = _subclasses(LocalizedError)
    unkeyed = []
    for path, tree in _sources():
        for node in ast.walk(tree):
            if (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)
                    and _name(node.exc.func) in errors
                    and not any(k.arg == "key" for k in node.exc.keywords)):
                unkeyed.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert unkeyed == []
    assert len(errors) >= 10  # the store's, the file reader's, the CLI's and the presets' errors
