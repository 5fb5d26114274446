"""Scoring and knowledge-gain statistics, against values computed by hand."""

import pytest

from training_portal.quizzes.scoring import QuestionKey, answer_is_correct, score_attempt
from training_portal.quizzes.statistics import (
    item_difficulty,
    item_discrimination,
    knowledge_summary,
    normalised_gain,
    score_distribution,
)

KEY = [
    QuestionKey(1, "single", frozenset({11})),
    QuestionKey(2, "multiple", frozenset({21, 23})),
    QuestionKey(3, "true_false", frozenset({31})),
    QuestionKey(4, "single", frozenset({42})),
]


def test_single_choice_is_right_only_with_the_correct_option():
    assert answer_is_correct("single", {11}, {11})
    assert not answer_is_correct("single", {11}, {12})
    assert not answer_is_correct("single", {11}, {11, 12})
    assert not answer_is_correct("single", {11}, set())


def test_multiple_choice_is_all_or_nothing():
    assert answer_is_correct("multiple", {21, 23}, {23, 21})
    assert not answer_is_correct("multiple", {21, 23}, {21})  # one correct option missing
    assert not answer_is_correct("multiple", {21, 23}, {21, 22, 23})  # one wrong option ticked
    assert not answer_is_correct("multiple", {21, 23}, set())


def test_an_attempt_scores_the_share_of_right_answers_and_unanswered_counts_as_wrong():
    scored = score_attempt(KEY, {1: [11], 2: [21], 3: [31]})  # question 4 unanswered
    assert scored.correct_by_question == {1: True, 2: False, 3: True, 4: False}
    assert (scored.correct_count, scored.question_count) == (2, 4)
    assert scored.score == 50.0


def test_all_right_is_100_and_answers_to_unknown_questions_are_ignored():
    scored = score_attempt(KEY, {1: [11], 2: [21, 23], 3: [31], 4: [42], 99: [1]})
    assert scored.score == 100.0
    assert score_attempt([], {}).score == 0.0


def test_normalised_gain_is_undefined_at_a_perfect_pre_test():
    assert normalised_gain(40, 80) == pytest.approx(40 / 60)
    assert normalised_gain(50, 40) == pytest.approx(-10 / 50)
    assert normalised_gain(100, 100) is None
    assert normalised_gain(100, 80) is None


def test_knowledge_summary_counts_one_test_participants_in_that_tests_mean_but_never_in_the_gain():
    # Participants a, b, c took both tests; d only the pre-test; e only the post-test.
    pre = {"a": 40, "b": 60, "c": 80, "d": 50}
    post = {"a": 80, "b": 60, "c": 100, "e": 70}
    summary = knowledge_summary(pre, post)

    assert (summary.pre_count, summary.post_count) == (4, 4)
    assert summary.pre_mean == pytest.approx(57.5)  # (40 + 60 + 80 + 50) / 4
    assert summary.post_mean == pytest.approx(77.5)  # (80 + 60 + 100 + 70) / 4
    assert (summary.pre_only_count, summary.post_only_count, summary.paired_count) == (1, 1, 3)
    assert summary.paired_pre_mean == pytest.approx(60.0)
    assert summary.paired_post_mean == pytest.approx(80.0)
    assert summary.mean_gain == pytest.approx(20.0)  # (40 + 0 + 20) / 3
    assert summary.group_normalised_gain == pytest.approx(0.5)  # (80 - 60) / (100 - 60)
    assert summary.improved_count == 2
    assert summary.share_improved == pytest.approx(2 / 3)
    own = {p.participant: p.normalised_gain for p in summary.paired}
    assert own == {"a": pytest.approx(40 / 60), "b": 0.0, "c": pytest.approx(1.0)}
    assert summary.mean_participant_normalised_gain == pytest.approx((40 / 60 + 0 + 1) / 3)


def test_a_perfect_pre_test_has_no_own_normalised_gain_but_still_counts_in_the_group_figures():
    summary = knowledge_summary({"a": 100, "b": 50}, {"a": 90, "b": 75})
    own = {p.participant: p.normalised_gain for p in summary.paired}
    assert own["a"] is None and own["b"] == pytest.approx(0.5)
    assert summary.mean_gain == pytest.approx((-10 + 25) / 2)
    assert summary.group_normalised_gain == pytest.approx((82.5 - 75) / 25)
    assert summary.mean_participant_normalised_gain == pytest.approx(0.5)
    assert summary.share_improved == pytest.approx(0.5)


def test_without_pairs_there_is_no_gain():
    summary = knowledge_summary({"a": 30}, {"b": 90})
    assert summary.pre_mean == 30 and summary.post_mean == 90
    assert summary.mean_gain is None and summary.group_normalised_gain is None and summary.share_improved is None
    empty = knowledge_summary({}, {})
    assert empty.pre_mean is None and empty.paired_count == 0


def test_score_distribution_puts_100_in_the_last_band():
    bands = score_distribution([0, 9.9, 10, 55, 90, 100, 100])
    assert bands[0] == (0, 9, 2)
    assert bands[1] == (10, 19, 1)
    assert bands[5] == (50, 59, 1)
    assert bands[-1] == (90, 100, 3)
    assert sum(count for _, _, count in bands) == 7


def test_item_difficulty_and_upper_lower_discrimination():
    totals = {1: 20, 2: 40, 3: 50, 4: 60, 5: 80, 6: 90, 7: 100, 8: 30}
    # 8 attempts: the top and bottom groups hold round(8 * 0.27) = 2 each.
    # Bottom (1: 20, 8: 30) both wrong; top (6: 90, 7: 100) both right: D = 1 - 0 = 1.
    item = {1: False, 8: False, 2: True, 3: False, 4: True, 5: True, 6: True, 7: True}
    assert item_difficulty(list(item.values())) == pytest.approx(5 / 8)
    assert item_discrimination(item, totals) == pytest.approx(1.0)
    # An item the weakest get right and the strongest get wrong discriminates negatively.
    reverse = {1: True, 8: True, 2: False, 3: False, 4: False, 5: False, 6: False, 7: False}
    assert item_discrimination(reverse, totals) == pytest.approx(-1.0)
    assert item_discrimination({1: True, 2: False}, totals) is None
