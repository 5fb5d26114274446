"""Knowledge-gain statistics: pure functions over plain values, no database.

These implement DESIGN.md's "Knowledge" definition and are shared by the
event results page and the yearly reports:

- Each test's mean is over everyone who took that test (a participant with
  only a pre-test counts in the pre-test mean, and is counted as pre-only).
- The gain figures are over the *paired* participants, who took both tests:
  mean gain in percentage points, the group's normalised gain (Hake's g)
  ``(mean post - mean pre) / (100 - mean pre)`` over the paired means, the
  share who improved (post score strictly above pre score), and each paired
  participant's own normalised gain ``(post - pre) / (100 - pre)``, which is
  undefined (None) when their pre-test score is 100.

Scores are percentages 0-100. Participants are identified by any hashable key.
"""

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

DISTRIBUTION_BIN_WIDTH = 10
# Share of attempts in the top and bottom group of the discrimination index.
DISCRIMINATION_GROUP_SHARE = 0.27
MIN_ATTEMPTS_FOR_DISCRIMINATION = 4


def mean(values: Iterable[float]) -> float | None:
    """The arithmetic mean, or None for no values."""
    values = list(values)
    return sum(values) / len(values) if values else None


def normalised_gain(pre: float, post: float) -> float | None:
    """Hake's normalised gain (post - pre) / (100 - pre); None when pre is 100.

    Works the same for one participant's scores and for a group's means.
    A loss gives a negative value.
    """
    if pre >= 100:
        return None
    return (post - pre) / (100 - pre)


@dataclass(frozen=True)
class ParticipantGain:
    participant: Hashable
    pre: float
    post: float

    @property
    def gain(self) -> float:
        """Change in percentage points."""
        return self.post - self.pre

    @property
    def normalised_gain(self) -> float | None:
        return normalised_gain(self.pre, self.post)

    @property
    def improved(self) -> bool:
        return self.post > self.pre


@dataclass(frozen=True)
class KnowledgeSummary:
    """The knowledge figures of one event (or of any group of attempts)."""

    pre_count: int  # took the pre-test
    post_count: int  # took the post-test
    pre_mean: float | None  # over all pre-tests
    post_mean: float | None  # over all post-tests
    paired: tuple[ParticipantGain, ...]  # took both tests
    pre_only_count: int
    post_only_count: int

    @property
    def paired_count(self) -> int:
        return len(self.paired)

    @property
    def paired_pre_mean(self) -> float | None:
        return mean(p.pre for p in self.paired)

    @property
    def paired_post_mean(self) -> float | None:
        return mean(p.post for p in self.paired)

    @property
    def mean_gain(self) -> float | None:
        """Mean gain in percentage points over the paired participants."""
        return mean(p.gain for p in self.paired)

    @property
    def group_normalised_gain(self) -> float | None:
        """Hake's g over the paired means; None without pairs or when the mean pre-test is 100."""
        if not self.paired:
            return None
        return normalised_gain(self.paired_pre_mean, self.paired_post_mean)

    @property
    def mean_participant_normalised_gain(self) -> float | None:
        """Mean of the participants' own normalised gains (those with a defined one)."""
        return mean(p.normalised_gain for p in self.paired if p.normalised_gain is not None)

    @property
    def improved_count(self) -> int:
        return sum(p.improved for p in self.paired)

    @property
    def share_improved(self) -> float | None:
        """Share (0-1) of the paired participants whose post-test beat their pre-test."""
        return self.improved_count / len(self.paired) if self.paired else None


def knowledge_summary(pre_scores: Mapping[Hashable, float], post_scores: Mapping[Hashable, float]) -> KnowledgeSummary:
    """Summarise pre- and post-test scores keyed by participant (see the module's rules)."""
    both = [key for key in pre_scores if key in post_scores]
    paired = tuple(ParticipantGain(key, float(pre_scores[key]), float(post_scores[key])) for key in both)
    return KnowledgeSummary(
        pre_count=len(pre_scores),
        post_count=len(post_scores),
        pre_mean=mean(pre_scores.values()),
        post_mean=mean(post_scores.values()),
        paired=paired,
        pre_only_count=len(pre_scores) - len(both),
        post_only_count=len(post_scores) - len(both),
    )


def score_distribution(scores: Iterable[float], bin_width: int = DISTRIBUTION_BIN_WIDTH) -> list[tuple[int, int, int]]:
    """Counts of scores per band: [(low, high, count)], e.g. 0-9, 10-19 ... 90-100.

    The last band includes 100.
    """
    bands = [(low, min(low + bin_width - 1, 100), 0) for low in range(0, 100, bin_width)]
    bands[-1] = (bands[-1][0], 100, 0)
    counts = [0] * len(bands)
    for score in scores:
        index = min(int(score // bin_width), len(bands) - 1)
        counts[max(index, 0)] += 1
    return [(low, high, count) for (low, high, _), count in zip(bands, counts)]


def share_correct(results: Sequence[bool]) -> float | None:
    """Share (0-1) of right answers to one question; None when nobody answered it."""
    return sum(results) / len(results) if results else None


def item_difficulty(results: Sequence[bool]) -> float | None:
    """The classical difficulty index p: the share who got the item right (high = easy)."""
    return share_correct(results)


def item_discrimination(item_results: Mapping[Hashable, bool], total_scores: Mapping[Hashable, float]) -> float | None:
    """The upper-lower discrimination index D of one question.

    Attempts are ranked by total score; D is the share right in the top 27 %
    minus the share right in the bottom 27 % (at least one attempt each).
    From -1 to 1: above 0.3 the item separates who knows from who does not;
    near 0 or negative it needs rewriting. None with fewer than 4 attempts.
    Ties in the total score are broken by key, so the result is repeatable.
    """
    keys = [key for key in item_results if key in total_scores]
    if len(keys) < MIN_ATTEMPTS_FOR_DISCRIMINATION:
        return None
    ranked = sorted(keys, key=lambda key: (total_scores[key], str(key)))
    size = max(1, round(len(ranked) * DISCRIMINATION_GROUP_SHARE))
    lower, upper = ranked[:size], ranked[-size:]
    return share_correct([item_results[k] for k in upper]) - share_correct([item_results[k] for k in lower])
