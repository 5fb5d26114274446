"""The check-in page's markup: every element id is its own, and every label names its own field, so that
tapping "Your phone number" focuses the phone number field of the form it belongs to."""

from collections import Counter
from datetime import date
from html.parser import HTMLParser

from tests.attendance.helpers import form_values, self_checkin
from tests.factories import open_event
from training_portal.extensions import db

FIELDS = {"input", "select", "textarea", "button"}


class Markup(HTMLParser):
    """The ids on a page, the elements they name, the labels' ``for``, and the form holding each."""

    def __init__(self, page: str):
        super().__init__()
        self.ids: list[str] = []
        self.tags: dict[str, str] = {}
        self.form_of: dict[str, int] = {}
        self.labels: list[tuple[str, int]] = []
        self.forms = 0
        self.in_form: int | None = None
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms += 1
            self.in_form = self.forms
        if "id" in attrs:
            self.ids.append(attrs["id"])
            self.tags[attrs["id"]] = tag
            self.form_of[attrs["id"]] = self.in_form
        if tag == "label" and "for" in attrs:
            self.labels.append((attrs["for"], self.in_form))

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = None


def assert_ids_and_labels_hold(page: str) -> Markup:
    markup = Markup(page)
    assert [id_ for id_, times in Counter(markup.ids).items() if times > 1] == []
    for target, form in markup.labels:
        assert markup.tags.get(target) in FIELDS, f"label for={target!r} names no field"
        assert markup.form_of[target] == form, f"label for={target!r} names a field of another form"
    return markup


def test_a_new_phones_check_in_page_has_unique_ids_and_labels_for_its_own_fields(client, trainer):
    code = open_event(trainer).sessions[0].checkin_code
    markup = assert_ids_and_labels_hold(client.get(f"/c/{code}").get_data(as_text=True))
    assert len(markup.labels) >= 6  # name, age, target group, province, phone, and the returning phone number
    phone_labels = [target for target, _form in markup.labels if markup.tags[target] == "input" and "phone" in target]
    assert len(phone_labels) == 2 and len({markup.form_of[target] for target in phone_labels}) == 2


def test_the_page_shown_again_with_errors_keeps_unique_ids(client, trainer):
    code = open_event(trainer).sessions[0].checkin_code
    csrf, key = form_values(client.get(f"/c/{code}").get_data(as_text=True))
    wrong_form = self_checkin(client, code, csrf_token=csrf, key=key, consent="", phone="not a phone")
    assert wrong_form.status_code == 400
    assert_ids_and_labels_hold(wrong_form.get_data(as_text=True))
    unknown_phone = client.post(f"/c/{code}", data={"csrf_token": csrf, "key": key, "kind": "phone",
                                                    "phone": "099 999 999", "personal_code": "AAAAAA"})
    assert unknown_phone.status_code == 400
    assert_ids_and_labels_hold(unknown_phone.get_data(as_text=True))


def test_the_one_tap_page_has_unique_ids(client, trainer):
    first, second = open_event(trainer, days=[date(2015, 3, 10), date(2015, 3, 11)]).sessions
    self_checkin(client, first.checkin_code)
    second.checkin_open = True
    db.session.commit()
    page = client.get(f"/c/{second.checkin_code}").get_data(as_text=True)
    assert "Check in as Sokha" in page
    assert_ids_and_labels_hold(page)
