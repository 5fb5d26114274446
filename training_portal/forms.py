"""The base form (WTForms' own messages translated through our catalogues) and the choice fields the forms share."""

import wtforms
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, widgets
from wtforms.validators import ValidationError

from .i18n import page_translations

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
    """WTForms formats the messages itself, so these return them unformatted (from the page's catalogue,
    which is looked up once per page)."""

    def gettext(self, string):
        return page_translations().ugettext(string)

    def ngettext(self, singular, plural, n):
        return page_translations().ungettext(singular, plural, n)


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


class QuickChoiceCheck:
    """A sent choice checked against a set of the choices' values. WTForms builds two objects per choice
    to find the one sent, which was a twentieth of a participant's check-in (the province list). Choices
    given otherwise than as (value, label) pairs are left to WTForms."""

    def pre_validate(self, form):
        choices = self.choices
        if self.process_errors or not self.validate_choice or not isinstance(choices, list):
            return super().pre_validate(form)
        values = set()
        for choice in choices:
            if not isinstance(choice, tuple):
                return super().pre_validate(form)
            values.add(self.coerce(choice[0]))
        if self.data not in values:
            raise ValidationError(self.invalid_choice_message or self.gettext("Not a valid choice."))
        return None


class SelectField(QuickChoiceCheck, wtforms.SelectField):
    pass


class RadioField(QuickChoiceCheck, wtforms.RadioField):
    pass


class MultiCheckboxField(SelectMultipleField):
    """Several choices as a list of checkboxes (works without JavaScript)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()
