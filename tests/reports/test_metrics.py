"""The metrics definitions (DESIGN.md), each edge with small hand-made data."""

from datetime import date, time

from training_portal.events import services as event_services
from training_portal.events.models import EventType, Province, TargetGroup
from training_portal.extensions import db
from training_portal.reports import counts as report_counts
from training_portal.reports import knowledge as report_knowledge
from training_portal.reports import period as report_period
from training_portal.reports import sentences as report_sentences
from training_portal.reports import tables as report_tables
from training_portal.reports.period import Period, ReportFilters
from tests.factories import attend, make_attempt, make_event, make_headcount, make_participant, reference


YEAR_2015 = ReportFilters(Period(2015))


def by_event_type(filters=YEAR_2015) -> dict:
    table = report_tables.event_type_table(filters, report_counts.totals(filters))
    return {row[0]: dict(zip(table.headers[1:], row[1:])) for row in table.rows}


def test_a_two_session_event_counts_each_participant_once(app, manager):
    workshop = make_event(manager, type_code="workshop", days=(date(2015, 3, 24), date(2015, 3, 25)))
    first_day, second_day = workshop.sessions
    dara, sokha = make_participant(sex="male"), make_participant(sex="female")
    attend(dara, first_day)
    attend(dara, second_day)
    attend(sokha, second_day)

    totals = report_counts.totals(YEAR_2015)
    assert (totals.events, totals.participants, totals.female, totals.male) == (1, 2, 1, 1)
    assert by_event_type()["Workshop"]["Participants"] == 2


def test_a_person_at_two_events_counts_twice_as_participant_and_once_as_individual(app, manager):
    training = make_event(manager, type_code="training", days=(date(2015, 2, 10),))
    awareness = make_event(manager, type_code="awareness", days=(date(2015, 6, 1),))
    dara = make_participant(sex="male")
    attend(dara, training.sessions[0])
    attend(dara, awareness.sessions[0])

    totals = report_counts.totals(YEAR_2015)
    assert totals.participants == 2
    assert totals.unique_individuals == 1
    assert report_counts.unique_individuals_by_sex(YEAR_2015).male == 1


def test_a_cancelled_event_never_counts(app, manager):
    held = make_event(manager, title="Held", days=(date(2015, 4, 1),))
    called_off = make_event(manager, title="Called off", days=(date(2015, 4, 2),))
    attend(make_participant(), held.sessions[0])
    attend(make_participant(), called_off.sessions[0])
    make_headcount(called_off, 40)
    event_services.cancel_event(called_off, "Flooded roads")
    db.session.commit()

    totals = report_counts.totals(YEAR_2015)
    assert (totals.events, totals.participants, totals.headcount) == (1, 1, 0)
    assert [row[0] for row in report_tables.events_table(YEAR_2015).rows] == [held.id]


def test_an_event_starting_late_on_31_december_counts_in_that_year(app, manager):
    # 23:30 in Phnom Penh on 31 December is 16:30 UTC the same day, but the
    # session's end (and any check-in after midnight) falls on 1 January.
    new_year_eve = make_event(manager, days=(date(2015, 12, 31),), start=time(23, 30), end=time(23, 59))
    assert new_year_eve.sessions[0].starts_at.hour == 16
    attend(make_participant(), new_year_eve.sessions[0])

    assert report_counts.totals(YEAR_2015).participants == 1
    assert report_counts.totals(ReportFilters(Period(2016))).events == 0
    december = report_tables.month_table(YEAR_2015, report_counts.totals(YEAR_2015)).rows[-1]
    assert (december[0], december[2]) == (date(2015, 12, 1), 1)


def test_an_event_whose_first_session_is_in_the_previous_year_counts_there(app, manager):
    crossing = make_event(manager, days=(date(2015, 12, 31), date(2016, 1, 1)))
    late_comer = make_participant()
    attend(late_comer, crossing.sessions[1])  # came only to the January session

    assert report_counts.totals(YEAR_2015).participants == 1
    assert report_counts.totals(ReportFilters(Period(2016))).participants == 0


def test_headcounts_and_individual_attendance_are_added(app, manager):
    awareness = make_event(manager, type_code="awareness", days=(date(2015, 1, 24),))
    attend(make_participant(sex="female", group="villager", age_band="18_24"), awareness.sessions[0])
    attend(make_participant(sex="male", group="taxi_driver", age_band="35_49"), awareness.sessions[0])
    make_headcount(awareness, 30, "female", "villager")
    make_headcount(awareness, 25, "male", "villager")

    totals = report_counts.totals(YEAR_2015)
    assert (totals.participants, totals.female, totals.male) == (57, 31, 26)
    assert (totals.individual, totals.headcount, totals.unique_individuals) == (2, 55, 2)
    event_row = report_tables.events_table(YEAR_2015).rows[0]
    assert event_row[8] == "Both"
    by_band = {row[0]: row[2] for row in report_tables.age_band_table(YEAR_2015, totals).rows}
    assert by_band["Not recorded"] == 55
    assert by_band["18–24"] == by_band["35–49"] == 1
    by_group = {row[0]: row[2] for row in report_tables.target_group_table(YEAR_2015, totals).rows}
    assert by_group == {"Taxi and tuk-tuk drivers": 1, "Villagers": 56}


def test_a_fiscal_year_crosses_1_january(app, manager):
    make_event(manager, title="June 2015", days=(date(2015, 6, 30),))
    july = make_event(manager, title="July 2015", days=(date(2015, 7, 1),))
    january = make_event(manager, title="January 2016", days=(date(2016, 1, 15),))
    make_event(manager, title="July 2016", days=(date(2016, 7, 1),))
    attend(make_participant(), july.sessions[0])
    attend(make_participant(), january.sessions[0])
    report_period.set_fiscal_year_start_month(7)

    fiscal = ReportFilters(report_period.make_period(2015, fiscal=True))
    assert (fiscal.period.start, fiscal.period.end) == (date(2015, 7, 1), date(2016, 7, 1))
    assert [row[2] for row in report_tables.events_table(fiscal).rows] == ["July 2015", "January 2016"]
    assert report_counts.totals(fiscal).participants == 2
    months = report_tables.month_table(fiscal, report_counts.totals(fiscal)).rows
    assert [row[0] for row in months][:1] + [row[0] for row in months][-1:] == [date(2015, 7, 1), date(2016, 6, 1)]
    assert {row[0]: row[2] for row in months}[date(2016, 1, 1)] == 1
    by_type = report_tables.event_type_table(fiscal, report_counts.totals(fiscal))
    assert report_sentences.annual_report_sentences(fiscal, by_type)[0].startswith(
        "In the fiscal year 2015–2016, 2 participants attended 2 training activities")


def test_filters_by_province_event_type_target_group_and_trainer(app, manager, trainer):
    phnom_penh = make_event(manager, type_code="training", groups=("police",), trainers=(trainer,),
                            days=(date(2015, 5, 1),))
    kampot = make_event(manager, type_code="awareness", province_code="kampot", groups=("villager",),
                        days=(date(2015, 5, 2),))
    attend(make_participant(group="police"), phnom_penh.sessions[0])
    attend(make_participant(group="villager"), phnom_penh.sessions[0])
    attend(make_participant(group="villager"), kampot.sessions[0])
    make_headcount(kampot, 10, group="villager")

    def participants(**chosen):
        return report_counts.totals(ReportFilters(Period(2015), **chosen)).participants

    assert participants() == 13
    assert participants(province_id=reference(Province, "kampot").id) == 11
    assert participants(event_type_id=reference(EventType, "training").id) == 2
    assert participants(target_group_id=reference(TargetGroup, "police").id) == 1
    assert participants(target_group_id=reference(TargetGroup, "villager").id) == 11
    assert participants(trainer_id=trainer.id) == 2


def test_knowledge_gain_over_participants_with_both_tests(app, manager):
    training = make_event(manager, type_code="training", days=(date(2015, 2, 10),))
    improved, same, pre_only = make_participant(), make_participant(), make_participant()
    for participant in (improved, same, pre_only):
        attend(participant, training.sessions[0])
    make_attempt(improved, training, "pre", 40)
    make_attempt(improved, training, "post", 80)
    make_attempt(same, training, "pre", 60)
    make_attempt(same, training, "post", 60)
    make_attempt(pre_only, training, "pre", 20)

    overall = report_knowledge.knowledge(YEAR_2015)[0]
    assert (overall.pre_takers, overall.post_takers, overall.both) == (3, 2, 2)
    assert overall.pre_mean == 40  # (40 + 60 + 20) / 3: one test only still counts in that test's mean
    assert (overall.both_pre_mean, overall.both_post_mean, overall.mean_gain) == (50, 70, 20)
    assert overall.normalised_gain == 0.4  # (70 - 50) / (100 - 50)
    assert overall.improved_share == 0.5


def test_normalised_gain_is_undefined_when_everyone_scored_100_before(app, manager):
    training = make_event(manager, days=(date(2015, 2, 10),))
    top = make_participant()
    make_attempt(top, training, "pre", 100)
    make_attempt(top, training, "post", 100)
    assert report_knowledge.knowledge(YEAR_2015)[0].normalised_gain is None


def test_the_annual_report_sentence_lists_own_events_and_guest_speaking_apart(app, manager):
    for day in (1, 2):
        attend(make_participant(), make_event(manager, type_code="awareness", days=(date(2015, 3, day),)).sessions[0])
    attend(make_participant(), make_event(manager, type_code="online_safety", days=(date(2015, 4, 1),)).sessions[0])
    make_headcount(make_event(manager, type_code="guest_speaker", days=(date(2015, 5, 1),)), 1200)

    sentences = report_tables.build_report(YEAR_2015).sentences
    assert sentences == [
        "In 2015, 3 participants attended 2 awareness raising events and 1 online safety session.",
        "Invited to be a guest speaker at 1 government-led event with 1,200 participants.",
    ]


def test_a_year_without_events_says_so(app):
    assert report_tables.build_report(YEAR_2015).sentences == ["In 2015, no events were recorded."]


def test_sql_knowledge_figures_agree_with_the_event_results_page(app, manager):
    from training_portal.quizzes.statistics import knowledge_summary

    training = make_event(manager, days=(date(2015, 2, 10),))
    pre, post = {}, {}
    for number, (before, after) in enumerate([(30, 70), (50, 50), (90, 80), (20, None), (None, 60)]):
        someone = make_participant()
        if before is not None:
            make_attempt(someone, training, "pre", before)
            pre[number] = before
        if after is not None:
            make_attempt(someone, training, "post", after)
            post[number] = after

    expected, found = knowledge_summary(pre, post), report_knowledge.knowledge(YEAR_2015)[0]
    assert (found.pre_takers, found.post_takers, found.both) == (expected.pre_count, expected.post_count,
                                                                 expected.paired_count)
    assert round(found.pre_mean, 6) == round(expected.pre_mean, 6)
    assert round(found.post_mean, 6) == round(expected.post_mean, 6)
    assert round(found.mean_gain, 6) == round(expected.mean_gain, 6)
    assert round(found.normalised_gain, 6) == round(expected.group_normalised_gain, 6)
    assert found.improved_share == expected.share_improved
