"""Pre/post-test knowledge figures of the counted events (DESIGN.md, "Knowledge").

Means of each test are over everyone who took it; the gain, Hake's g and the
share improved are over participants who took both tests of an event.
"""

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy import select

from ..attendance.models import Participant
from ..events.models import Event
from ..extensions import db
from ..quizzes.models import Phase, QuizAttempt
from ..quizzes.statistics import normalised_gain
from .period import ReportFilters, event_conditions


@dataclass
class Knowledge:
    """Pre/post-test figures of a group of attempts (DESIGN.md, "Knowledge").

    The same definitions as ``quizzes.statistics.KnowledgeSummary`` (the event
    results page), computed by SQL aggregates instead of over loaded scores.
    """

    key: tuple = ()
    pre_takers: int = 0
    pre_mean: float | None = None
    post_takers: int = 0
    post_mean: float | None = None
    both: int = 0
    both_pre_mean: float | None = None
    both_post_mean: float | None = None
    improved: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def mean_gain(self) -> float | None:
        """Mean gain in percentage points, over participants with both tests."""
        if not self.both:
            return None
        return self.both_post_mean - self.both_pre_mean

    @property
    def normalised_gain(self) -> float | None:
        """Hake's g of the group over the paired means, None at a mean pre-test of 100 % (quizzes' definition)."""
        if not self.both:
            return None
        return normalised_gain(self.both_pre_mean, self.both_post_mean)

    @property
    def improved_share(self) -> float | None:
        """Share (0-1) of participants with both tests whose post-test score is higher."""
        return self.improved / self.both if self.both else None


KNOWLEDGE_DIMENSIONS = {"event_type": "event_type_id", "target_group": "target_group_id", "event": "event_id"}


def _attempt_pairs(filters: ReportFilters, dimension: str | None) -> sa.Subquery:
    """One row per (event, participant) with a pre- or post-test at a counted event: the two scores
    (NULL when not taken) and whether each was taken, with the event's type and, when asked for, the
    participant's target group."""
    attempt = QuizAttempt
    with_group = filters.target_group_id or dimension == "target_group"

    def of(phase: Phase, value):
        return sa.case((attempt.phase == phase, value))

    columns = [attempt.event_id, attempt.participant_id, Event.event_type_id]
    if with_group:
        columns.append(Participant.target_group_id)
    query = (
        select(
            *columns,
            sa.func.max(of(Phase.PRE, attempt.score)).label("pre"),
            sa.func.max(of(Phase.POST, attempt.score)).label("post"),
            sa.func.count(of(Phase.PRE, 1)).label("has_pre"),
            sa.func.count(of(Phase.POST, 1)).label("has_post"),
        )
        .join(Event, attempt.event_id == Event.id)
        .where(attempt.phase.in_((Phase.PRE, Phase.POST)), *event_conditions(filters))
        .group_by(*columns)
    )
    if with_group:  # the participant's row is read only when a target group is asked for
        query = query.join(Participant, attempt.participant_id == Participant.id)
    if filters.target_group_id:
        query = query.where(Participant.target_group_id == filters.target_group_id)
    return query.subquery("attempt_pairs")


def knowledge(filters: ReportFilters, dimension: str | None = None) -> list[Knowledge]:
    """Pre/post-test figures, overall (one row) or per event type, target group or event.

    Means of each test are over everyone who took it; the gain, Hake's g and
    the share improved are over participants who took both tests of an event.
    One query: each participant's two tests of an event side by side, then
    grouped (a participant has at most one attempt per event and phase).
    """
    pairs = _attempt_pairs(filters, dimension)
    keys = [getattr(pairs.c, KNOWLEDGE_DIMENSIONS[dimension])] if dimension else []
    query = select(*keys, *_knowledge_figures(pairs)).select_from(pairs)
    results = [_knowledge(tuple(row[: len(keys)]), row[len(keys):])
               for row in db.session.execute(query.group_by(*keys) if keys else query)]
    if not dimension:
        return results or [Knowledge()]
    return [item for item in results if item.pre_takers or item.post_takers]


def knowledge_with_overall(filters: ReportFilters, dimension: str) -> tuple[list[Knowledge], Knowledge]:
    """``knowledge(filters, dimension)`` and ``knowledge(filters)[0]``, grouping the attempts once."""
    pairs = _attempt_pairs(filters, dimension).element.cte("attempt_pairs").prefix_with("MATERIALIZED")
    key = getattr(pairs.c, KNOWLEDGE_DIMENSIONS[dimension])
    query = sa.union_all(
        select(sa.literal_column("0", sa.Integer).label("overall"), key.label("key"), *_knowledge_figures(pairs))
        .group_by(key),
        select(sa.literal_column("1", sa.Integer), sa.cast(sa.null(), key.type), *_knowledge_figures(pairs)),
    )
    results, overall = [], Knowledge()
    for row in db.session.execute(query):
        if row[0]:
            overall = _knowledge((), row[2:])
        else:
            results.append(_knowledge((row[1],), row[2:]))
    return [item for item in results if item.pre_takers or item.post_takers], overall


def _knowledge_figures(pairs) -> list:
    both = sa.and_(pairs.c.has_pre > 0, pairs.c.has_post > 0)
    return [
        sa.func.sum(pairs.c.has_pre), sa.func.avg(pairs.c.pre),
        sa.func.sum(pairs.c.has_post), sa.func.avg(pairs.c.post),
        sa.func.sum(sa.case((both, 1), else_=0)),
        sa.func.avg(sa.case((both, pairs.c.pre))), sa.func.avg(sa.case((both, pairs.c.post))),
        sa.func.sum(sa.case((sa.and_(both, pairs.c.post > pairs.c.pre), 1), else_=0)),
    ]


def _knowledge(key: tuple, figures) -> Knowledge:
    pre_takers, pre_mean, post_takers, post_mean, paired, paired_pre, paired_post, improved = figures
    item = Knowledge(key, pre_takers=int(pre_takers or 0), pre_mean=_float(pre_mean),
                     post_takers=int(post_takers or 0), post_mean=_float(post_mean), both=int(paired or 0))
    if item.both:
        item.both_pre_mean, item.both_post_mean = float(paired_pre), float(paired_post)
        item.improved = int(improved)
    return item


def _float(value) -> float | None:
    return float(value) if value is not None else None
