"""Where a ``next`` address may send the browser: only to a path on this site."""

import re
from urllib.parse import urlsplit

# Browsers drop tabs and line breaks from a URL and read a backslash as a slash, so that
# "/\t/evil.example" and "/\\evil.example" lead to another site; a header cannot hold CR or LF.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def local_path(target: str | None) -> str | None:
    """``target`` as a path on this site (control characters removed), or None when it could lead elsewhere."""
    cleaned = CONTROL_CHARACTERS.sub("", target or "").replace("\\", "/")
    parts = urlsplit(cleaned)
    if parts.scheme or parts.netloc or not cleaned.startswith("/") or cleaned.startswith("//"):
        return None
    return cleaned
