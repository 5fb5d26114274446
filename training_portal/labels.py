"""The words for the app's enums, in English and Khmer (through the catalogues): one set for every
page, form and download, so that a screen and a spreadsheet never name the same thing differently.

Keyed by the enums' values; the enums are StrEnums, so a member finds its label too
(``SEX_LABELS[Sex.FEMALE]``). Plain values keep this module free of the feature packages,
whose forms import it while they load.
"""

from flask_babel import lazy_gettext as _l

SEX_LABELS = {
    "female": _l("Female"),
    "male": _l("Male"),
    "other": _l("Other or not stated"),
}
AGE_BAND_LABELS = {
    "under_15": _l("Under 15"),
    "15_17": _l("15–17"),
    "18_24": _l("18–24"),
    "25_34": _l("25–34"),
    "35_49": _l("35–49"),
    "50_plus": _l("50 or older"),
}
METHOD_LABELS = {
    "self": _l("Self check-in"),
    "scan": _l("Card scan"),
    "walk_in": _l("Walk-in entry"),
    "import": _l("Paper sheet"),
}
STATUS_LABELS = {
    "planned": _l("Planned"),
    "completed": _l("Completed"),
    "cancelled": _l("Cancelled"),
}
PHASE_LABELS = {"pre": _l("Pre-test"), "post": _l("Post-test")}
