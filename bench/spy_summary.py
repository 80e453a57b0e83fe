"""Where a server's time goes, from py-spy's collapsed stacks (``py-spy record --format raw``).

    py-spy record --gil --rate 50 --duration 60 --format raw -p PID -o w1.txt
    .venv/bin/python bench/spy_summary.py w1.txt [w2.txt ...]

Prints the share of samples by the innermost frame's library, then the page's own functions
(``dashboard/``) inclusive: a function counts once per sample it is anywhere on the stack.
With ``--gil`` only the thread holding the GIL is sampled, i.e. the server's Python time.
"""

from __future__ import annotations

import collections
import re
import sys
from pathlib import Path

CATEGORIES = (  # (label, pattern in the innermost frame's file path), first match wins
    ("pandas/numpy/shapely/pyproj", r"(?:^|/)(pandas|numpy|shapely|pyproj|geopandas)/"),
    ("map (folium/branca/jinja2)", r"(?:^|/)(folium|branca|jinja2|streamlit_folium)/"),
    ("store (sqlite3/psycopg)", r"(sqlite3|psycopg|/store/)"),
    ("app code (dashboard/)", r"(?:^|/)dashboard/"),
    ("Streamlit state/caching", r"streamlit/(runtime/(state|caching))"),
    ("Streamlit elements/widgets", r"streamlit/elements/"),
    ("protobuf", r"(google/protobuf|_pb2)"),
    ("websocket/uvicorn/starlette/asyncio", r"(uvicorn|starlette|websockets|asyncio)"),
    ("Streamlit runtime (other)", r"streamlit/"),
    ("gc/other", r""),
)
FRAME = re.compile(r"^(?P<func>[^ ]+) \((?P<file>[^:]+):(?P<line>\d+)\)$")


def read(paths: list[Path]) -> list[tuple[list[tuple[str, str]], int]]:
    stacks = []
    for path in paths:
        for line in path.read_text().splitlines():
            stack, _, count = line.rpartition(" ")
            frames = []
            for frame in stack.split(";"):
                match = FRAME.match(frame.strip())
                frames.append((match["func"], match["file"]) if match else (frame, ""))
            stacks.append((frames, int(count)))
    return stacks


def main(argv: list[str]) -> int:
    stacks = read([Path(p) for p in argv])
    total = sum(n for _, n in stacks)
    by_category: collections.Counter[str] = collections.Counter()
    by_function: collections.Counter[str] = collections.Counter()
    for frames, n in stacks:
        innermost = frames[-1][1] if frames else ""
        label = next(lab for lab, pat in CATEGORIES if re.search(pat, innermost))
        by_category[label] += n
        for func, file in {(f, p) for f, p in frames if re.search(r"(?:^|/)dashboard/", p)}:
            by_function[f"{func}  {re.split(r'(?:^|/)dashboard/', file, maxsplit=1)[1]}"] += n
    print(f"{total} samples")
    print("by innermost frame:")
    for label, n in by_category.most_common():
        print(f"  {100 * n / total:5.1f}%  {label}")
    print("page functions, inclusive (top 20):")
    for name, n in by_function.most_common(20):
        print(f"  {100 * n / total:5.1f}%  {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
