"""The base form (WTForms' own messages translated through our catalogues) and the fields and forms the features share."""

from flask_babel import get_translations, lazy_ngettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, SubmitField, widgets

# WTForms' built-in messages, listed here so that extraction puts them in our
# catalogues (WTForms ships no Khmer).
WTFORMS_MESSAGES = (
    _l("This field is required."),
    _l("Not a valid choice."),
    _l("Not a valid integer value."),
    _l("Not a valid date value."),
    _l("Not a valid time value."),
    _l("Invalid email address."),
    _l("Number must be at least %(min)s."),
    _l("Number must be at most %(max)s."),
    _l("Number must be between %(min)s and %(max)s."),
    _l("Field must be at least %(min)d character long."),
    _l("Field cannot be longer than %(max)d character."),
    _l("Field must be between %(min)d and %(max)d characters long."),
    _l("Field must be equal to %(other_name)s."),
    _l("Invalid Choice: could not coerce."),
    lazy_ngettext(
        "'%(value)s' is not a valid choice for this field.", "'%(value)s' are not valid choices for this field.", 1
    ),
    _l("The CSRF token is missing."),
    _l("The CSRF token is invalid."),
    _l("The CSRF token has expired."),
    _l("The CSRF session token is missing."),
    _l("The CSRF tokens do not match."),
)


class CatalogueTranslations:
    """WTForms formats the messages itself, so these return them unformatted, from the page's catalogue."""

    def gettext(self, string):
        return get_translations().ugettext(string)

    def ngettext(self, singular, plural, n):
        return get_translations().ungettext(singular, plural, n)


class Form(FlaskForm):
    class Meta:
        def get_translations(self, form):
            return CatalogueTranslations()


def choice_id(value) -> int:
    """Coerce a submitted id; garbage becomes 0, which no choice uses, so the
    person sees "Not a valid choice." rather than a technical message."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


class MultiCheckboxField(SelectMultipleField):
    """Several choices as a list of checkboxes (works without JavaScript)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class ConfirmForm(Form):
    """A POST-only button: nothing but the CSRF token."""

    submit = SubmitField(_l("Confirm"))
