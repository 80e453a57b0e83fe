"""Validation problems on the page: each in the reader's language, under its field's label.

Shared by the add form, the edit dialog and anything else that validates a
record, so they all report alike (errors block saving, warnings do not).
"""

from __future__ import annotations

from collections.abc import Iterable

import streamlit as st

from dashboard.domain.validation import Problem
from dashboard.i18n import field_label, text_of
from dashboard.ui.markdown import md_escape


def show_problems(problems: Iterable[Problem], lang: str) -> None:
    for problem in problems:
        label = text_of(field_label(problem.field), lang)
        text = f"**{md_escape(label)}**: {md_escape(problem.text(lang))}"
        (st.error if problem.severity == "error" else st.warning)(text)
