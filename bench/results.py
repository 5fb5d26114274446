"""bench/RESULTS.md: each benchmark writes its own section and leaves the rest of the file as it is."""

import re
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def mark(ok: bool) -> str:
    return "pass" if ok else "**miss**"


def write_section(name: str, text: str) -> None:
    """Put ``text`` between the markers of section ``name`` (appended at the end the first time)."""
    begin, end = f"<!-- {name}: written by make bench -->", f"<!-- end of {name} -->"
    block = f"{begin}\n{text.strip()}\n{end}"
    current = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    pattern = re.compile(re.escape(begin) + ".*?" + re.escape(end), re.DOTALL)
    if pattern.search(current):
        updated = pattern.sub(lambda _match: block, current)
    else:
        updated = current.rstrip() + "\n\n" + block + "\n"
    RESULTS.write_text(updated)
