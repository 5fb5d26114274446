"""Language choice and bilingual database texts."""

from flask import current_app, g, request
from flask_babel import get_locale

LANGUAGE_COOKIE = "lang"
LANGUAGE_NAMES = {"km": "ខ្មែរ", "en": "English"}
ONE_YEAR = 365 * 24 * 3600


def select_locale() -> str:
    """The language of this response.

    A choice the person made on this device wins; then the language of the
    event whose page this is (set by the view in ``g.page_language``); then
    the browser's preference; then Khmer.
    """
    languages = current_app.config["LANGUAGES"]
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in languages:
        return chosen
    page_language = g.get("page_language")
    if page_language in languages:
        return page_language
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def current_language() -> str:
    return str(get_locale() or "km")


def localized(obj, field: str) -> str:
    """``obj.<field>_km`` on Khmer pages when written, otherwise ``obj.<field>_en``."""
    english = getattr(obj, f"{field}_en") or ""
    if current_language() == "km":
        return getattr(obj, f"{field}_km", None) or english
    return english
