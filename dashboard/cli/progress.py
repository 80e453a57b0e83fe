"""A progress bar on the terminal for imports that take more than a few seconds.

``ImportProgress`` is the importer's progress callback: it shows nothing for an import
that is done within ``DELAY_S``, and nothing at all when stderr is not a terminal (a
pipe or a log file gets the report, not bar redraws). The bar follows the bytes of the
file read, with the rows checked so far, in the reader's language.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    TaskID,
    TaskProgressColumn,
    TextColumn,
    TimeRemainingColumn,
)

from dashboard.i18n import t

DELAY_S = 2.0


class ImportProgress:
    """Call it with (rows read, bytes read, bytes in the file); ``close()`` when done."""

    def __init__(self, name: str, lang: str, console: Console | None = None,
                 clock: Callable[[], float] = time.monotonic, delay_s: float = DELAY_S) -> None:
        self.name = name
        self.lang = lang
        self.console = console or Console(stderr=True)
        self.clock = clock
        self.started = clock()
        self.delay_s = delay_s
        self.bar: Progress | None = None
        self.task: TaskID | None = None

    def __call__(self, rows: int, done: int, total: int) -> None:
        if self.bar is None:
            if not self.console.is_terminal or self.clock() - self.started < self.delay_s:
                return
            self.bar = Progress(TextColumn("{task.description}"), BarColumn(),
                                TaskProgressColumn(), TextColumn("{task.fields[rows]}"),
                                TimeRemainingColumn(), console=self.console, transient=False)
            self.bar.start()
            self.task = self.bar.add_task(self.name, total=max(total, 1), rows="")
        assert self.task is not None
        self.bar.update(self.task, completed=min(done, total),
                        rows=t("cli_progress_rows", self.lang, n=rows))

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None
