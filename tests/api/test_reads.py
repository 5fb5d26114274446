"""Reading through the API: events and sessions by date, participants as the roster search finds them, and a
year's metrics with the workbook's numbers."""

from datetime import date
from io import BytesIO

from tests.api.conftest import token_client
from tests.factories import make_event, make_participant
from tests.reports.helpers import open_workbook, sheet_rows
from tests.reports.test_exports import small_year
from training_portal.reports import exports
from training_portal.reports.period import Period, ReportFilters


def test_events_and_sessions_are_filtered_by_local_date(api, manager, trainer):
    march = make_event(manager, title="March training", trainers=[trainer], days=(date(2015, 3, 10),))
    make_event(manager, title="June training", days=(date(2015, 6, 2), date(2015, 6, 3)))
    listed = api.get("/api/v1/events?from=2015-03-10&to=2015-03-10")
    assert [e["title"] for e in listed.json["events"]] == ["March training"]
    assert len(api.get("/api/v1/sessions?from=2015-06-01&to=2015-06-30").json["sessions"]) == 2
    one = api.get(f"/api/v1/events/{march.id}").json
    assert one["sessions"][0]["id"] == march.sessions[0].id and one["trainer_ids"] == [trainer.id]


def test_a_bad_date_is_named_in_the_users_language(api):
    answer = api.get("/api/v1/events?from=10/03/2015", language="km")
    assert answer.status_code == 422 and answer.json["errors"]["from"] == ["មិនមែនជាកាលបរិច្ឆេទត្រឹមត្រូវទេ។"]


def test_participants_are_found_as_on_the_roster(client, api, event, other_trainer):
    dara = make_participant(event, name="Dara Sok", phone="012345678")
    assert [p["name"] for p in api.get("/api/v1/participants?q=dara").json["participants"]] == ["Dara Sok"]
    other = token_client(client, other_trainer)
    assert other.get("/api/v1/participants?q=dara").json["participants"] == []
    [found] = other.get("/api/v1/participants?q=012 345 678").json["participants"]
    assert found["in_full"] is False and "phone" not in found
    assert other.get(f"/api/v1/participants/{dara.id}").status_code == 404
    assert api.get(f"/api/v1/participants/{dara.id}").json["phone"] == "012345678"


def test_the_years_metrics_have_the_workbooks_numbers(client, manager, trainer, other_trainer):
    small_year(manager, trainer, other_trainer)
    answer = token_client(client, manager, scope="read").get("/api/v1/reports/2015")
    assert answer.status_code == 200
    summary = next(table for table in answer.json["tables"] if table["key"] == "summary")
    output = BytesIO()
    exports.write_yearly_workbook(ReportFilters(Period(2015)), output, "en", include_participants=True)
    sheet = {row["Event type"]: row for row in sheet_rows(open_workbook(output.getvalue()), "Summary")}
    for row in summary["rows"] + [summary["total"]]:
        assert row["participants"] == sheet[row["event_type"]]["Participants"]
        assert row["female"] == sheet[row["event_type"]]["Female"]
    assert answer.json["totals"]["participants"] == 77
    assert "In 2015, 77 participants attended 1 awareness raising event and 1 training activity." in answer.json[
        "sentences"]


def test_a_trainers_metrics_count_their_own_events(client, manager, trainer, other_trainer):
    small_year(manager, trainer, other_trainer)
    answer = token_client(client, trainer, scope="read").get("/api/v1/reports/2015")
    assert answer.json["totals"]["participants"] == 2
