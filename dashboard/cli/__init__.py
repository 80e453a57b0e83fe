"""The ``krimpkaart`` command line: one dispatcher (``main``) and a module per command."""

from dashboard.cli.main import build_parser, main

__all__ = ["build_parser", "main"]
