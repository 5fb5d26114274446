from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from ..forms import Form, MultiCheckboxField
from ..labels import AGE_BAND_LABELS, PHASE_LABELS, SEX_LABELS  # noqa: F401 (PHASE_LABELS: imported from here)
from . import bank
from .models import QuestionKind, Quiz

KIND_LABELS = {
    QuestionKind.SINGLE: _l("Single choice (one correct answer)"),
    QuestionKind.MULTIPLE: _l("Multiple choice (tick every correct answer)"),
    QuestionKind.TRUE_FALSE: _l("True or false"),
}
QUESTION_PROBLEMS = {
    "no_text": _l("Write the question in English."),
    "option_without_english": _l("Every option needs its English text."),
    "true_false_two_options": _l("A true/false question has exactly two options."),
    "too_few_options": _l("Give at least two options."),
    "too_many_options": _l("Give at most six options."),
    "no_correct_option": _l("Mark the correct option."),
    "one_correct_option": _l("Only a multiple-choice question may have more than one correct option."),
}


class QuizForm(Form):
    title_en = StringField(_l("Title (English)"), validators=[DataRequired(), Length(max=200)])
    title_km = StringField(_l("Title (Khmer)"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Save"))


class OptionRowForm(Form):
    class Meta:
        csrf = False

    text_en = StringField(_l("Option (English)"), validators=[Optional(), Length(max=500)])
    text_km = StringField(_l("Option (Khmer)"), validators=[Optional(), Length(max=500)])
    is_correct = BooleanField(_l("Correct"))


class QuestionForm(Form):
    kind = SelectField(_l("Type of question"), choices=[(kind.value, label) for kind, label in KIND_LABELS.items()],
                       default=QuestionKind.SINGLE.value)
    text_en = TextAreaField(_l("Question (English)"), validators=[Length(max=4000)])
    text_km = TextAreaField(_l("Question (Khmer)"), validators=[Optional(), Length(max=4000)])
    options = FieldList(FormField(OptionRowForm), min_entries=bank.MAX_OPTIONS, max_entries=bank.MAX_OPTIONS)
    true_is_correct = SelectField(_l("For true/false: the correct answer"),
                                  choices=[("true", _l("True")), ("false", _l("False"))], default="true")
    explanation_en = TextAreaField(_l("Explanation shown after the post-test (English)"),
                                   validators=[Optional(), Length(max=4000)])
    explanation_km = TextAreaField(_l("Explanation shown after the post-test (Khmer)"),
                                   validators=[Optional(), Length(max=4000)])
    submit = SubmitField(_l("Save question"))

    def question_data(self) -> bank.QuestionData:
        if self.kind.data == QuestionKind.TRUE_FALSE:
            options = bank.true_false_options(self.true_is_correct.data == "true")
        else:
            options = [bank.OptionData(row.text_en.data or "", row.text_km.data or "", bool(row.is_correct.data))
                       for row in self.options]
        return bank.QuestionData(
            kind=self.kind.data, text_en=self.text_en.data or "", text_km=self.text_km.data or "",
            explanation_en=self.explanation_en.data or "", explanation_km=self.explanation_km.data or "",
            options=options,
        )

    def validate_question(self) -> bank.QuestionData | None:
        """The question when valid; otherwise None, with the messages attached to the form."""
        if not self.validate_on_submit():
            return None
        data = self.question_data()
        problems = bank.question_problems(data)
        for problem in problems:
            target = self.text_en if problem == "no_text" else self.kind
            target.errors.append(QUESTION_PROBLEMS[problem])
        return None if problems else data

    def fill_from(self, data: bank.QuestionData) -> None:
        self.kind.data = data.kind
        self.text_en.data, self.text_km.data = data.text_en, data.text_km
        self.explanation_en.data, self.explanation_km.data = data.explanation_en, data.explanation_km
        if data.kind == QuestionKind.TRUE_FALSE:
            self.true_is_correct.data = "true" if data.options and data.options[0].is_correct else "false"
            return
        for row, option in zip(self.options, data.options):
            row.text_en.data, row.text_km.data, row.is_correct.data = option.text_en, option.text_km, option.is_correct


class QuizUploadForm(Form):
    title_en = StringField(_l("Title (English)"), validators=[DataRequired(), Length(max=200)])
    title_km = StringField(_l("Title (Khmer)"), validators=[Optional(), Length(max=200)])
    file = FileField(_l("Filled-in template (.xlsx)"),
                     validators=[FileRequired(), FileAllowed(["xlsx"], _l("Upload an .xlsx file."))])
    submit = SubmitField(_l("Check the file"))


class QuizImportConfirmForm(Form):
    payload = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Create the quiz"))


def quiz_choices(current_ids=()) -> list[tuple[int, str]]:
    """Active quizzes with questions, plus those already chosen (even if archived)."""
    quizzes = [q for q in bank.quiz_bank(include_archived=True)
               if (not q.archived and q.questions) or q.id in current_ids]
    return [(0, _l("— none —"))] + [(q.id, f"{q.title} ({len(q.questions)})") for q in quizzes]


class EventQuizzesForm(Form):
    pre_quiz_id = SelectField(_l("Pre-test quiz"), coerce=int)
    post_quiz_id = SelectField(_l("Post-test quiz"), coerce=int)
    submit = SubmitField(_l("Save quizzes"))

    def __init__(self, *args, event=None, **kwargs):
        super().__init__(*args, **kwargs)
        current = {event.pre_quiz_id, event.post_quiz_id} if event else set()
        choices = quiz_choices(current)
        self.pre_quiz_id.choices = choices
        self.post_quiz_id.choices = choices
        shown_only = "formdata" in kwargs and kwargs["formdata"] is None
        if event is not None and (shown_only or not self.is_submitted()):
            self.pre_quiz_id.data = event.pre_quiz_id or 0
            self.post_quiz_id.data = event.post_quiz_id or 0


def question_field_name(question) -> str:
    return f"q{question.id}"


class AnswerForm(Form):
    """A participant's answers to a quiz: the idempotency key, the "hand in as it is" flag and, added by
    ``answer_form``, one group of radio buttons or checkboxes per question. A stale CSRF token fails
    ``validate`` as in every form; the view then shows the quiz again with the answers kept."""

    idempotency_key = HiddenField()
    submit_incomplete = HiddenField()

    def question_fields(self, quiz: Quiz) -> list:
        """The fields of the quiz's questions, in its order."""
        return [self[question_field_name(question)] for question in quiz.questions]

    def selections(self, quiz: Quiz) -> dict[int, list[int]]:
        """{question id: the option ids ticked}."""
        chosen = {}
        for question in quiz.questions:
            data = self[question_field_name(question)].data
            values = data if isinstance(data, list) else [data] if data else []
            chosen[question.id] = [int(value) for value in values if value.isdigit()]
        return chosen

    def unanswered_numbers(self, quiz: Quiz) -> list[int]:
        selections = self.selections(quiz)
        return [number for number, q in enumerate(quiz.questions, 1) if not selections.get(q.id)]

    def csrf_failed(self) -> bool:
        return bool(getattr(self, "csrf_token", None) and self.csrf_token.errors)


def answer_form(quiz: Quiz, **kwargs) -> AnswerForm:
    """The quiz's answer form, its questions and options in the page's language.

    Which options count is decided by the scoring (attempts.clean_selections), so the fields accept any
    value sent: one that is not an option of the question counts as no answer.
    """

    class QuizAnswerForm(AnswerForm):
        pass

    for question in quiz.questions:
        field = MultiCheckboxField if question.kind == QuestionKind.MULTIPLE else RadioField
        choices = [(str(option.id), option.text) for option in question.options]
        setattr(QuizAnswerForm, question_field_name(question), field(question.text, choices=choices,
                                                                     validate_choice=False))
    return QuizAnswerForm(**kwargs)


def cell_name(row: str, question) -> str:
    return f"a-{row}-{question.id}"


def paper_form_class(quiz: Quiz, participants, walk_in_rows: int, sessions, target_groups) -> type[Form]:
    """The paper answer grid: one text cell per participant and question, plus walk-in rows."""

    class PaperForm(Form):
        submit = SubmitField(_l("Save answer sheets"))

    for participant in participants:
        for question in quiz.questions:
            setattr(PaperForm, cell_name(str(participant.id), question), StringField(validators=[Length(max=12)]))
    session_choices = [(str(s.id), s.local_start.strftime("%Y-%m-%d")) for s in sessions]
    if len(session_choices) > 1:
        session_choices.insert(0, ("", "—"))
    group_choices = [("", "—")] + [(str(g.id), g.name) for g in target_groups]
    # Walk-in choices are checked by paper.paper_problems (a blank row sends nothing useful).
    for index in range(walk_in_rows):
        prefix = f"w{index}"
        setattr(PaperForm, f"{prefix}-name", StringField(_l("Name"), validators=[Length(max=120)]))
        setattr(PaperForm, f"{prefix}-sex", SelectField(
            _l("Sex"), choices=[("", "—")] + [(s, label) for s, label in SEX_LABELS.items()], validate_choice=False))
        setattr(PaperForm, f"{prefix}-age_band", SelectField(
            _l("Age"), choices=[("", "—")] + [(a, label) for a, label in AGE_BAND_LABELS.items()],
            validate_choice=False))
        setattr(PaperForm, f"{prefix}-target_group", SelectField(_l("Target group"), choices=group_choices,
                                                                   validate_choice=False))
        setattr(PaperForm, f"{prefix}-session", SelectField(_l("Session"), choices=session_choices,
                                                              validate_choice=False))
        for question in quiz.questions:
            setattr(PaperForm, cell_name(prefix, question), StringField(validators=[Length(max=12)]))
    return PaperForm
