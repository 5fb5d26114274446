"""The import page's forms: the upload, and the review with one decision per conflict."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, RadioField, SubmitField
from wtforms.validators import DataRequired, Regexp

from ..forms import Form
from .importing import NEW

TOKEN_PATTERN = r"^[A-Za-z0-9_-]{32}$"


class PackageUploadForm(Form):
    package = FileField(_l("Event package (.json or .json.gz)"),
                        validators=[FileRequired(_l("Choose the file to upload."))])
    submit = SubmitField(_l("Check the package"))


def review_form(conflicts, fresh: bool = False):
    """The confirmation, with for each conflict a choice: one of the people found here, or a new person;
    ``fresh``: shown after the upload, not filled from the request."""

    class ReviewForm(Form):
        token = HiddenField(validators=[DataRequired(), Regexp(TOKEN_PATTERN)])
        submit = SubmitField(_l("Import the event"))

    for number, conflict in enumerate(conflicts):
        choices = [(str(person.id), _l("The same person as %(name)s (%(phone)s)",
                                       name=person.name or _l("no name"), phone=person.phone or "—"))
                   for person in conflict.candidates]
        choices.append((NEW, _l("Another person: add them as a new participant")))
        setattr(ReviewForm, f"conflict_{number}", RadioField(
            _l("Who is %(name)s?", name=conflict.incoming["name"] or _l("no name")), choices=choices,
            validators=[DataRequired(_l("Choose who this is."))]))
    form = ReviewForm(formdata=None) if fresh else ReviewForm()
    form.decisions = lambda: {conflict.uid: form[f"conflict_{number}"].data
                              for number, conflict in enumerate(conflicts)}
    form.conflict_fields = [(conflict, form[f"conflict_{number}"]) for number, conflict in enumerate(conflicts)]
    return form
