"""What a person reads on a page, and whether any of it is an English interface message."""

import re
from html.parser import HTMLParser
from pathlib import Path

from babel.messages.pofile import read_po

from training_portal.i18n import LANGUAGE_NAMES

KM_CATALOGUE = Path(__file__).resolve().parents[2] / "training_portal" / "translations" / "km" / "LC_MESSAGES" / "messages.po"


class VisibleText(HTMLParser):
    """The texts a person reads on a page: text nodes and read attributes."""

    READ = {"placeholder", "title", "aria-label", "alt", "data-label"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts, self.hidden = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.hidden += 1
        self.texts += [value.strip() for name, value in attrs if name in self.READ and value]

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.texts.append(" ".join(data.split()))


def visible_texts(page: str) -> list[str]:
    parser = VisibleText()
    parser.feed(page)
    return parser.texts


def english_interface_messages() -> set[str]:
    """Every English message whose Khmer translation differs from it."""
    with KM_CATALOGUE.open("rb") as file:
        catalogue = read_po(file, locale="km")
    messages = set()
    for message in catalogue:
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        if message.id and strings != ids[:1]:
            messages.update(re.sub(r"%\(\w+\)[sd]", "", i).strip() for i in ids)
    return {m for m in messages if re.search(r"[A-Za-z]{2}", m)} - set(LANGUAGE_NAMES.values())


def english_left_on(page: str, english_messages: set[str]) -> list[str]:
    """The texts of a page that are English interface messages."""
    return [text for text in visible_texts(page) if text in english_messages]
