"""The values plugin's data: known values, their keywords, conflicts and signal rules.

Everything that decides which value an action or a past decision speaks for is here,
as data, so it can be read and changed without touching the logic.

Keyword matching (see ``_matching.py``) ignores case, matches whole words only, treats
a space in a keyword as any run of spaces or hyphens, and lets the last word take a
plural "s" ("workout" matches "workouts"). For each value the conflict keywords are
tried first: "skip the gym" conflicts with health although "gym" supports it. Keywords
are tried in the order listed, and the first one found is the one reported.
Every value also supports its own name read as words ("flexibility", "work life
balance"), so a value missing from this table can still match.

NOTE: matching ignores negation and context, so "no gym today" supports health and
"the rest of the week" would match a keyword "rest". Keywords are chosen to be specific
phrases for that reason, but false matches remain possible.
"""

from __future__ import annotations

import attrs


@attrs.frozen
class KnownValue:
    """A value the plugin has keywords for, with its category and default statement."""

    category: str
    statement: str
    supports: tuple[str, ...]
    conflicts: tuple[str, ...]


KNOWN_VALUES: dict[str, KnownValue] = {
    "work_life_balance": KnownValue(
        category="time",
        statement="Keeps time for life outside work.",
        supports=(
            "day off", "time off", "vacation", "holiday", "leave early", "go home on time",
            "family dinner", "weekend off", "unplug", "get some rest", "personal time",
        ),
        conflicts=(
            "work late", "working late", "overtime", "late night", "weekend work",
            "work the weekend", "work on the weekend", "cancel vacation",
            "cancel the vacation", "skip vacation", "after hours", "all nighter",
        ),
    ),
    "work_dedication": KnownValue(
        category="work",
        statement="Puts in the effort the work needs.",
        supports=(
            "work late", "working late", "overtime", "extra hours", "weekend work",
            "meet the deadline", "finish the project", "go the extra mile", "deliver", "ship",
        ),
        conflicts=("leave early", "miss the deadline", "procrastinate", "slack off"),
    ),
    "quality_over_speed": KnownValue(
        category="work",
        statement="Prefers doing things well to doing them fast.",
        supports=(
            "review", "test", "thorough", "polish", "refactor", "double check", "careful",
            "proofread", "take the time",
        ),
        conflicts=(
            "rush", "quick fix", "hack", "skip review", "skip the review", "skip tests",
            "skip the tests", "cut corners", "good enough",
        ),
    ),
    "efficiency": KnownValue(
        category="work",
        statement="Gets things done with little waste.",
        supports=(
            "automate", "streamline", "quick fix", "shortcut", "batch", "template", "reuse",
            "good enough",
        ),
        conflicts=("redo", "rewrite from scratch", "manual", "duplicate work"),
    ),
    "time_efficiency": KnownValue(
        category="time",
        statement="Guards their time and spends it deliberately.",
        supports=(
            "decline", "say no", "delegate", "time block", "short meeting", "shorter meeting",
            "skip the meeting", "async update",
        ),
        conflicts=(
            "long meeting", "extra meeting", "another meeting", "detour", "do a favor",
            "favor", "volunteer", "help out",
        ),
    ),
    "helping_others": KnownValue(
        category="relationships",
        statement="Makes time to help other people.",
        supports=(
            "help", "help out", "mentor", "volunteer", "assist", "support", "do a favor",
            "favor", "pitch in", "cover for",
        ),
        conflicts=("decline to help", "refuse to help", "turn down", "ignore the request"),
    ),
    "reliability": KnownValue(
        category="personal",
        statement="Keeps promises and follows through.",
        supports=(
            "keep the promise", "keep my promise", "as promised", "follow through",
            "on time", "show up", "confirm", "deliver",
        ),
        conflicts=(
            "cancel", "postpone", "reschedule", "back out", "break the promise",
            "miss the deadline", "no show", "arrive late", "be late", "running late",
        ),
    ),
    "flexibility": KnownValue(
        category="personal",
        statement="Adapts plans when circumstances change.",
        supports=(
            "reschedule", "postpone", "adapt", "adjust", "flexible", "change plans",
            "improvise", "accommodate",
        ),
        conflicts=("rigid", "no exceptions", "strict schedule", "stick to the plan"),
    ),
    "responsiveness": KnownValue(
        category="relationships",
        statement="Answers messages and requests promptly.",
        supports=("reply", "respond", "answer", "call back", "follow up", "get back to"),
        conflicts=("ignore", "leave unanswered", "reply later", "delay the reply", "ghost"),
    ),
    "family": KnownValue(
        category="relationships",
        statement="Puts family first.",
        supports=(
            "family", "kid", "child", "children", "partner", "spouse", "parent", "mom",
            "dad", "school play",
        ),
        conflicts=("miss dinner", "miss the school play", "skip family", "business trip"),
    ),
    "health": KnownValue(
        category="health",
        statement="Looks after their physical and mental health.",
        supports=(
            "exercise", "gym", "workout", "yoga", "jog", "jogging", "go for a run",
            "morning run", "go for a walk", "sleep", "doctor", "dentist", "checkup",
            "therapy", "physiotherapy", "meditate", "meditation", "healthy",
        ),
        conflicts=(
            "skip the gym", "skip gym", "skip the workout", "skip workout", "skip exercise",
            "skip sleep", "all nighter", "skip lunch", "junk food", "cancel the doctor",
        ),
    ),
    "learning": KnownValue(
        category="growth",
        statement="Keeps learning new skills and ideas.",
        supports=(
            "learn", "learning", "study", "studying", "workshop", "conference", "training",
            "lecture", "tutorial", "certification", "lesson", "online course",
            "take a course", "reading",
        ),
        conflicts=(
            "skip the course", "skip class", "skip training", "skip the training",
            "drop the course", "cancel the course",
        ),
    ),
    "financial_prudence": KnownValue(
        category="financial",
        statement="Spends and saves with care.",
        supports=(
            "save money", "saving", "budget", "invest", "compare prices", "discount",
            "cheaper", "pay off",
        ),
        conflicts=("splurge", "impulse buy", "overspend", "expensive", "luxury"),
    ),
}

# Pairs of values that pull in opposite directions. detect_conflicts() reports a pair
# when both of its values are stronger than 0.5. Extend the table for one ValuesAPI
# object through ValuesAPI.conflict_pairs, or for one call through
# detect_conflicts(extra_pairs=...).
KNOWN_CONFLICTS: tuple[tuple[str, str], ...] = (
    ("work_dedication", "work_life_balance"),
    ("quality_over_speed", "efficiency"),
    ("helping_others", "time_efficiency"),
    ("reliability", "flexibility"),
)

# An urgent action is excused from conflicts with values in these categories: urgency
# justifies spending time differently, but not neglecting health or people.
URGENCY_EXCUSED_CATEGORIES = frozenset({"time"})

# Signal rules of run_extraction().
#
# Decisions: the chosen option's label and description are matched against the support
# keywords above. Each value they support gets one signal per decision, whose direction
# comes from the outcome rating below. Other ratings, and conflict keywords, give none.
DECISION_RATING_SIGNALS: dict[str, bool] = {"positive": True, "negative": False}

# Commitments: the status gives the direction of every signal of a commitment, and
# other statuses (open, cancelled) give none.
COMMITMENT_STATUS_SIGNALS: dict[str, bool] = {"completed": True, "broken": False}
# A commitment of this type signals this value: a kept promise shows reliability and a
# completed ask shows responsiveness.
COMMITMENT_TYPE_VALUES: dict[str, str] = {"promise": "reliability", "ask": "responsiveness"}
# The values whose support keywords are matched against a commitment's description
# ("Gym session", "Spanish lesson"), whatever its type.
COMMITMENT_DESCRIPTION_VALUES: tuple[str, ...] = ("health", "learning")

# run_extraction() creates or updates a value only once the whole history contains at
# least this many signals for it, in either direction, so one coincidence creates nothing.
MIN_SIGNALS = 3
