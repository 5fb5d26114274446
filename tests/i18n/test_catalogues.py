"""The translation check: Khmer is complete, the catalogues match the code, and no
user-facing text is written outside a translation call.

When one of these fails after new texts were added, run
``make translations-update``, translate the new Khmer entries in
training_portal/translations/km/LC_MESSAGES/messages.po (see docs/glossary.md),
then ``make translations`` (see docs/i18n.md).
"""

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.i18n.untranslated import (
    python_findings,
    python_source_findings,
    template_findings,
    template_source_findings,
)

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "training_portal" / "translations"
FIX = "run `make translations-update`, translate, then `make translations` (docs/i18n.md)"


def catalogue(language: str | None):
    path = TRANSLATIONS / "messages.pot" if language is None else TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as file:
        return read_po(file, locale=language)


def msgids(messages) -> set:
    """Message ids, a plural message as (singular, plural)."""
    return {message.id if isinstance(message.id, str) else tuple(message.id) for message in messages if message.id}


def shown(ids) -> str:
    return "\n  ".join(sorted(repr(i) for i in ids))


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """The messages the code holds now, extracted exactly as `make translations-update` does."""
    pot = tmp_path_factory.mktemp("extract") / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F", "babel.cfg",
         "-o", str(pot), "."],
        cwd=ROOT, check=True, capture_output=True,
    )
    with pot.open("rb") as file:
        return msgids(read_po(file))


def test_every_khmer_message_is_translated_and_reviewed():
    untranslated, fuzzy = [], []
    for message in catalogue("km"):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(s and s.strip() for s in strings):
            untranslated.append(message.id)
        if message.fuzzy:
            fuzzy.append(message.id)
    assert not untranslated, f"Khmer messages without a translation ({FIX}):\n  {shown(map(str, untranslated))}"
    assert not fuzzy, f"Khmer messages marked fuzzy (check the translation, remove the flag):\n  {shown(map(str, fuzzy))}"


def test_khmer_catalogue_has_one_plural_form_and_placeholders_match():
    km = catalogue("km")
    assert km.num_plurals == 1, "Khmer has no plural forms: Plural-Forms: nplurals=1; plural=0;"
    problems = [f"{message.id!r}: {error}" for message, errors in km.check() for error in errors]
    assert not problems, "Khmer translations whose %(name)s placeholders differ:\n  " + "\n  ".join(problems)


def test_english_catalogue_falls_back_to_the_message_ids():
    """The English texts are the msgids: an English entry is either empty or reviewed, never fuzzy.

    (``make translations`` compiles with --use-fuzzy, so a fuzzy English guess would show.)
    """
    fuzzy = [message.id for message in catalogue("en") if message.id and message.fuzzy and message.string]
    assert not fuzzy, f"English entries with a fuzzy guess (empty their msgstr):\n  {shown(map(str, fuzzy))}"


@pytest.mark.parametrize("language", [None, "km", "en"], ids=["messages.pot", "km", "en"])
def test_catalogue_matches_the_code(extracted, language):
    held = msgids(catalogue(language))
    missing, stale = extracted - held, held - extracted
    assert not missing, f"Texts in the code missing from the catalogue ({FIX}):\n  {shown(missing)}"
    assert not stale, f"Catalogue entries no longer in the code ({FIX}):\n  {shown(stale)}"


def test_templates_have_no_text_outside_translation_calls():
    findings = template_findings()
    assert not findings, (
        "Template text outside {{ _('...') }} (wrap it, or add it to ALLOWED_TEXTS in "
        "tests/i18n/untranslated.py with a reason):\n  " + "\n  ".join(findings)
    )


def test_python_modules_have_no_user_facing_text_outside_translation_calls():
    findings = python_findings()
    assert not findings, (
        "User-facing text outside _() / _l() (wrap it; shell commands may stay English):\n  " + "\n  ".join(findings)
    )


def test_the_template_check_finds_untranslated_text():
    source = (
        '<h1>Check in</h1><input type="submit" value="Send"><p title="Help">{{ _("Fine") }}</p>'
        "<p>{{ 'None yet' if empty else _('Some') }}</p><code>flask run</code>{{ language_names['km'] }}"
        '<button lang="km">ខ្មែរ</button><a aria-label="{{ _(\'Main\') }}">→</a>'
    )
    findings = template_source_findings(source, "sample.html")
    assert [finding.split(": ", 1)[1] for finding in findings] == [
        "Check in", 'value="Send"', 'title="Help"', "'None yet' printed untranslated",
    ]


def test_the_python_check_finds_untranslated_text():
    source = """
flash("Event saved.")
flash(_("Event saved."), "success")
raise ValidationError(f"No session on {day}")
abort(403, "Not yours")
title = StringField("Title", validators=[DataRequired(message="Write a title")])
name_km = StringField(_l("Khmer name"))
STATUS_LABELS = {"planned": "Planned", "completed": _l("Completed")}
LANGUAGE_CHOICES = [("km", "ខ្មែរ"), ("en", "English")]
text = _("Hello %s" % name)
raise click.ClickException("An account with this email already exists.")
"""
    findings = [finding.split(": ", 1)[1] for finding in python_source_findings(source, "sample.py")]
    assert sorted(findings) == sorted([
        "flash(): 'Event saved.'",
        "ValidationError(): 'f-string: No session on '",
        "abort(): 'Not yours'",
        "StringField label: 'Title'",
        "DataRequired(message=): 'Write a title'",
        "STATUS_LABELS value: 'Planned'",
        "_() of a built string (extraction cannot see it): 'Hello %s'",
    ])
