"""The demo year's bilingual quiz and believable pre/post results."""

import random
from datetime import date

from sqlalchemy import select

from tests.factories import make_event, make_participant
from training_portal.extensions import db
from training_portal.quizzes import results as quiz_results
from training_portal.quizzes.demo import seed_quiz_results
from training_portal.quizzes.models import QuizAttempt


def test_demo_quiz_is_bilingual_and_trainings_show_a_believable_gain(app, admin, trainer):
    training = make_event(trainer, trainers=(trainer,), days=(date(2015, 2, 10), date(2015, 2, 11)))
    awareness = make_event(trainer, title="Awareness day", type_code="awareness")
    for index in range(40):
        make_participant(training, name=f"Participant {index}")
    make_participant(awareness, name="Visitor")

    quiz = seed_quiz_results([training, awareness], random.Random(2015))
    db.session.commit()

    assert 9 <= len(quiz.questions) <= 12
    assert quiz.title_km and all(q.text_km and q.explanation_km for q in quiz.questions)
    assert all(o.text_km for q in quiz.questions for o in q.options)
    assert {q.kind.value for q in quiz.questions} == {"single", "multiple", "true_false"}
    texts = " ".join(q.text_en + " " + q.explanation_en + " ".join(o.text_en for o in q.options) for q in quiz.questions)
    assert "1288" in texts and "hotline" in texts and "grooming" in texts and "online" in texts

    assert (training.pre_quiz_id, training.post_quiz_id) == (quiz.id, quiz.id)
    assert awareness.pre_quiz_id is None
    assert not training.pre_test_open and not training.post_test_open
    assert db.session.scalars(select(QuizAttempt).where(QuizAttempt.event_id == awareness.id)).first() is None

    results = quiz_results.event_results(training)
    summary = results.summary
    assert summary.paired_count >= 30
    assert 35 <= summary.pre_mean <= 65
    assert 75 <= summary.post_mean <= 95
    assert 0.4 <= summary.group_normalised_gain <= 0.85
    assert summary.share_improved >= 0.75
    assert all(q.post_share > q.pre_share for q in results.questions)
