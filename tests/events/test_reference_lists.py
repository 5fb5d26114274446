import re

from sqlalchemy import func, select

from tests.factories import make_event, reference
from training_portal.events.models import EventType, Province, TargetGroup
from training_portal.extensions import db


def province_select(response) -> str:
    return re.search(r'<select[^>]*name="province_id".*?</select>', response.get_data(as_text=True), re.S).group(0)


def test_every_installation_starts_with_the_programs_lists(app):
    assert db.session.scalar(select(func.count()).select_from(Province)) == 25
    assert reference(Province, "tbong_khmum").name_km == "ត្បូងឃ្មុំ"
    assert {entry.code for entry in db.session.scalars(select(EventType))} >= {
        "awareness", "training", "workshop", "informant", "online_safety", "guest_speaker"}
    assert reference(TargetGroup, "taxi_driver").name_en == "Taxi and tuk-tuk drivers"


def test_admin_adds_a_target_group_with_english_and_khmer_names(app, admin_client):
    response = admin_client.post_form("/admin/lists/target-groups", {
        "name_en": "Karaoke staff", "name_km": "បុគ្គលិកខារ៉ាអូខេ", "sort_order": "200", "active": "y"})
    assert response.status_code == 302
    group = db.session.scalar(select(TargetGroup).where(TargetGroup.name_en == "Karaoke staff"))
    assert group.name_km == "បុគ្គលិកខារ៉ាអូខេ" and group.active and group.code == "karaoke_staff"


def test_an_empty_sort_order_puts_the_entry_first(app, admin_client):
    response = admin_client.post_form("/admin/lists/provinces", {"name_en": "Test province", "sort_order": ""})
    assert response.status_code == 302
    assert db.session.scalar(select(Province.sort_order).where(Province.name_en == "Test province")) == 0


def test_admin_fills_in_a_missing_khmer_name(app, admin_client):
    entry = reference(TargetGroup, "cook")
    entry.name_km = ""
    db.session.commit()
    admin_client.set_cookie("lang", "en")
    assert "Khmer name missing" in admin_client.get("/admin/lists/target-groups").get_data(as_text=True)
    admin_client.post_form(f"/admin/lists/target-groups/{entry.id}", {
        "name_en": "Cooks", "name_km": "ចុងភៅ", "sort_order": "20", "active": "y"})
    db.session.refresh(entry)
    assert entry.name_km == "ចុងភៅ"


def test_an_entry_in_use_is_deactivated_never_deleted(app, trainer, admin_client):
    event = make_event(trainer, province_code="kampot")
    kampot = reference(Province, "kampot")
    admin_client.set_cookie("lang", "en")
    response = admin_client.post_form(f"/admin/lists/provinces/{kampot.id}/delete", follow_redirects=True)
    assert "This entry is in use, so it can only be deactivated." in response.get_data(as_text=True)
    assert db.session.get(Province, kampot.id) is not None

    admin_client.post_form(f"/admin/lists/provinces/{kampot.id}", {"name_en": "Kampot", "name_km": "កំពត", "sort_order": "70"})
    db.session.refresh(kampot)
    assert kampot.active is False
    # No longer offered for new events, still shown and kept on the existing one.
    assert "Kampot" not in province_select(admin_client.get("/events/new"))
    assert f'<option selected value="{kampot.id}">Kampot</option>' in province_select(
        admin_client.get(f"/events/{event.id}/edit"))


def test_an_unused_entry_can_be_deleted(app, admin_client):
    pailin = reference(Province, "pailin")
    assert admin_client.post_form(f"/admin/lists/provinces/{pailin.id}/delete").status_code == 302
    assert reference(Province, "pailin") is None


def test_only_admins_edit_reference_lists(app, manager_client, trainer_client, admin_client):
    cook = reference(TargetGroup, "cook")
    for client in (manager_client, trainer_client):
        assert client.get("/admin/lists/provinces").status_code == 403
        assert client.post_form(f"/admin/lists/target-groups/{cook.id}/delete").status_code == 403
    assert admin_client.get("/admin/lists/unknown-list").status_code == 404
    assert reference(TargetGroup, "cook") is not None
