"""Language choice, bilingual database texts and Khmer digits.

The contract for pages (see docs/i18n.md): a view that shows an event to a
participant calls ``use_page_language(event.language.value)`` (or sets
``g.page_language``) before rendering, so that a phone without a language
cookie sees the event's language.
"""

from flask import current_app, g, has_request_context, request
from flask_babel import force_locale, get_locale, refresh
from sqlalchemy import select

LANGUAGE_COOKIE = "lang"
LANGUAGE_NAMES = {"km": "ខ្មែរ", "en": "English"}
ONE_YEAR = 365 * 24 * 3600

KHMER_DIGITS_SETTING = "khmer_digits"
KHMER_DIGIT_TABLE = str.maketrans("0123456789", "០១២៣៤៥៦៧៨៩")


def select_locale() -> str:
    """The language of this response.

    A choice the person made on this device wins; then the language of the
    event whose page this is (set by the view in ``g.page_language``); then
    the browser's preference; then Khmer.
    """
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # shell commands speak English unless forced
        return "en"
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in languages:
        return chosen
    page_language = g.get("page_language")
    if page_language in languages:
        return page_language
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def use_page_language(language: str) -> None:
    """Make ``language`` (an event's language code) this page's default.

    The person's own choice (the cookie) still wins. Babel caches the locale
    once a text has been translated in this request, so the cache is cleared.
    """
    g.page_language = language
    refresh()


def in_each_language(make_text, first: str = "km") -> list[tuple[str, str]]:
    """``make_text()`` in each language, ``first`` first, as (language, text) pairs: for pages read by
    people of both languages at once, such as the projector and the poster."""
    order = [first] + [language for language in LANGUAGE_NAMES if language != first]
    texts = []
    for language in order:
        with force_locale(language):
            texts.append((language, make_text()))
    return texts


def current_language() -> str:
    """The language of this response ("km" or "en"; the languages carry no territory)."""
    locale = get_locale()
    return locale.language if locale is not None else "km"


def localized(obj, field: str) -> str:
    """``obj.<field>_km`` on Khmer pages when written, otherwise ``obj.<field>_en``."""
    english = getattr(obj, f"{field}_en") or ""
    if current_language() == "km":
        return getattr(obj, f"{field}_km", None) or english
    return english


def lacks_khmer(obj, field: str = "name") -> bool:
    """True when the English text of ``obj.<field>`` has no Khmer version yet."""
    return bool(getattr(obj, f"{field}_en", None)) and not (getattr(obj, f"{field}_km", None) or "").strip()


def to_khmer_digits(text: str) -> str:
    """``"2015"`` -> ``"២០១៥"``; every other character is kept."""
    return str(text).translate(KHMER_DIGIT_TABLE)


def khmer_digits_setting() -> bool:
    """The program's choice: Khmer digits on Khmer pages (Setting ``khmer_digits``).

    Without a stored setting the configuration's ``KHMER_DIGITS`` decides.
    """
    from .extensions import db
    from .settings import Setting

    stored = db.session.scalar(select(Setting.value).where(Setting.key == KHMER_DIGITS_SETTING))
    if stored is None:
        return bool(current_app.config.get("KHMER_DIGITS", False))
    return stored == "1"


def set_khmer_digits(enabled: bool) -> None:
    """Store the program's choice (the caller logs it and commits)."""
    from .extensions import db
    from .settings import Setting

    stored = db.session.get(Setting, KHMER_DIGITS_SETTING)
    if stored is None:
        stored = Setting(key=KHMER_DIGITS_SETTING, value="")
        db.session.add(stored)
    stored.value = "1" if enabled else "0"
    g.pop("khmer_digits", None)


def uses_khmer_digits() -> bool:
    """True when numbers on this page are written with Khmer digits (read once per request)."""
    if current_language() != "km":
        return False
    if not has_request_context():
        return khmer_digits_setting()
    if "khmer_digits" not in g:
        g.khmer_digits = khmer_digits_setting()
    return g.khmer_digits


def page_digits(text: str) -> str:
    """Text as this page writes numbers: Khmer digits when chosen, otherwise unchanged."""
    return to_khmer_digits(text) if uses_khmer_digits() else text
