"""The decisions plugin's API object, ``db.plugin("decisions")``."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..._errors import NotFoundError, ValidationError
from ..._validation import check_text
from . import _analysis, _similarity, _store
from ._consistency import consistency_with_values
from ._model import (
    Decision,
    DecisionContext,
    DecisionOption,
    PatternAnalysis,
    PatternMatch,
    SimilarDecision,
    Suggestion,
)
from ._validate import (
    check_context,
    check_decision_type,
    check_limit,
    check_optional_limit,
    check_optional_text,
    check_options,
    check_rating,
)

if TYPE_CHECKING:
    from ..._database import Database

log = logging.getLogger(__name__)

# Number of similar past decisions stored in a new decision's pattern_match.
PATTERN_MATCH_LIMIT = 5


class DecisionsAPI:
    """Decision points, choices and outcomes bound to one :class:`~peanut_async.Database`.

    Arguments are validated before anything is written, so a call that raises
    :class:`~peanut_async.ValidationError` leaves the database unchanged.
    """

    def __init__(self, db: Database) -> None:
        self._db = db

    # Recording ----------------------------------------------------------------------

    async def record_decision(
        self,
        decision_type: str,
        description: str,
        options: Sequence[DecisionOption],
        context: DecisionContext | None = None,
    ) -> str:
        """Record a decision point and return its new id.

        ``decision_type`` is one of scheduling, communication, prioritization,
        delegation, resource, commitment, other. ``options`` must be non-empty with
        unique ids. The new row's ``pattern_match`` stores the ids and scores of the
        (up to 5) most similar past decisions, as :meth:`find_similar` returns them.
        :meth:`record_choice` computes it again.
        """
        decision_type = check_decision_type(decision_type)
        description = check_text("description", description)
        checked_options = check_options(options)
        checked_context = check_context(context)
        # One transaction, so the similar decisions are those stored when the row is.
        async with self._db.transaction():
            matches = await self._pattern_match(decision_type, checked_context)
            decision_id = await _store.insert_decision(
                self._db,
                decision_type=decision_type,
                description=description,
                options=checked_options,
                context=checked_context,
                pattern_match=matches,
            )
        log.debug("recorded decision %s with %d similar past decisions", decision_id, len(matches))
        return decision_id

    async def record_choice(self, decision_id: str, option_id: str) -> None:
        """Record which option was chosen, with the current time as ``decided_at``.

        The choice also sets the decision's two derived columns:

        - ``pattern_match`` is computed again as in :meth:`record_decision`, because
          more decisions may have an outcome by now. Any other decision of the type with
          an outcome counts, including ones recorded after this one, but never the
          decision itself.
        - ``consistency_with_values``: when a plugin named ``values`` is loaded, its
          ``check_alignment`` is called on the option's label followed by its
          description, and the result's ``consistency`` is stored. With the built-in
          values plugin that is the supported values' strength divided by the supported
          plus conflicting strength, rounded to 6 decimal places. A consistency of None,
          meaning the option matched no value, is stored as 0.5. Without that plugin the
          column is left NULL, as it is (with a logged warning) when the result has no
          ``consistency`` that is None or a number from 0 to 1.

        Recording another choice replaces the earlier one.

        Raises :class:`~peanut_async.NotFoundError` for an unknown ``decision_id`` and
        :class:`~peanut_async.ValidationError` when ``option_id`` is not one of the
        decision's options.
        """
        decision = await _store.get_decision(self._db, decision_id)
        if decision is None:
            raise NotFoundError("decision", decision_id)
        option = _find_option(decision.options, option_id)
        # Called outside the transaction below: the values plugin is other code, and a
        # task it started that awaited this database would wait for our write lock.
        consistency = await consistency_with_values(self._db, option)
        async with self._db.transaction():
            matches = await self._pattern_match(
                decision.decision_type, decision.context, exclude_id=decision_id
            )
            if not await _store.set_choice(self._db, decision_id, option.id, consistency, matches):
                raise NotFoundError("decision", decision_id)

    async def record_outcome(self, decision_id: str, rating: str, notes: str | None = None) -> None:
        """Record how a decision turned out, with the current time.

        ``rating`` is positive, neutral or negative. Recording another outcome replaces
        the earlier one. Raises :class:`~peanut_async.NotFoundError` for an unknown id.
        """
        rating = check_rating(rating)
        notes = check_optional_text("notes", notes)
        if not await _store.set_outcome(self._db, decision_id, rating, notes):
            raise NotFoundError("decision", decision_id)

    # Reading ------------------------------------------------------------------------

    async def get_decision(self, decision_id: str) -> Decision | None:
        """Return the decision with ``decision_id``, or None when there is none."""
        return await _store.get_decision(self._db, decision_id)

    async def list_by_type(
        self,
        decision_type: str,
        *,
        limit: int | None = None,
        only_with_outcome: bool = False,
        entity_id: str | None = None,
    ) -> list[Decision]:
        """Return the decisions of ``decision_type``, newest first.

        ``entity_id`` keeps the decisions whose context lists exactly that id.
        """
        decision_type = check_decision_type(decision_type)
        limit = check_optional_limit("limit", limit)
        if entity_id is not None:
            entity_id = check_text("entity_id", entity_id)
        return await _store.list_decisions(
            self._db,
            decision_type=decision_type,
            entity_id=entity_id,
            only_with_outcome=only_with_outcome,
            limit=limit,
        )

    async def list_for_entity(self, entity_id: str, limit: int = 10) -> list[Decision]:
        """Return the decisions of any type whose context lists ``entity_id``, newest first.

        The id is looked up in the ``decision_entities`` table, which triggers keep in
        step with each decision's context. A call reads at most the 1,000 newest
        decisions plus the entity's own rows, however long the history is.
        """
        entity_id = check_text("entity_id", entity_id)
        limit = check_limit("limit", limit)
        return await _store.list_decisions(self._db, entity_id=entity_id, limit=limit)

    # Analysis -----------------------------------------------------------------------

    async def analyze_patterns(self, decision_type: str, window_days: int = 90) -> PatternAnalysis:
        """Summarise the decisions of ``decision_type`` created in the last ``window_days``.

        The summary has the count, the mean minutes from creation to choice, the
        number of outcomes of each rating and the 3 most common emotional states and
        workload levels (ties in alphabetical order).
        """
        decision_type = check_decision_type(decision_type)
        window_days = check_limit("window_days", window_days)
        return await _analysis.analyze_patterns(self._db, decision_type, window_days)

    async def success_rate(self, decision_type: str, window_days: int = 90) -> float:
        """Return the share of positive outcomes among decisions with an outcome.

        Only decisions of ``decision_type`` created in the last ``window_days`` count;
        the rate is 0.0 when none of them has an outcome.
        """
        decision_type = check_decision_type(decision_type)
        window_days = check_limit("window_days", window_days)
        return await _analysis.success_rate(self._db, decision_type, window_days)

    async def find_similar(
        self,
        decision_type: str,
        context: DecisionContext,
        limit: int = 5,
        *,
        max_candidates: int = _similarity.MAX_CANDIDATES,
    ) -> list[SimilarDecision]:
        """Return past decisions of ``decision_type`` with an outcome, most similar first.

        The score is 2 points per entity id shared with ``context`` plus 1 point each
        for the same workload level, the same emotional state and the same source type.
        Decisions scoring 0 are left out, and equal scores are ordered newest first.
        Only the ``max_candidates`` most recent decisions of the type with an outcome
        are scored, which keeps the cost independent of the size of the history.
        """
        decision_type = check_decision_type(decision_type)
        checked_context = check_context(context)
        limit = check_limit("limit", limit)
        max_candidates = check_limit("max_candidates", max_candidates)
        return await _similarity.find_similar(
            self._db, decision_type, checked_context, limit, max_candidates
        )

    async def suggest_option(
        self,
        decision_type: str,
        options: Sequence[DecisionOption],
        context: DecisionContext | None = None,
    ) -> Suggestion:
        """Suggest the option that worked best in similar past decisions.

        Up to 20 similar decisions are taken from :meth:`find_similar`. A past decision
        counts for an option when the label of its chosen option equals the option's
        label, ignoring case. The option with the highest share of positive outcomes is
        suggested (ties: more data points, then the earlier option). ``confidence`` is
        the lower bound of the 95% Wilson score interval of that share, so it is low
        when the share rests on few decisions: 2 of 2 positive gives 0.34, 10 of 10
        gives 0.72.

        The suggestion has ``option`` None and the reason in ``reasoning`` when fewer
        than 3 similar decisions exist, when no option has at least 2 data points, or
        when no option with 2 data points had a positive outcome.
        """
        decision_type = check_decision_type(decision_type)
        checked_options = check_options(options)
        checked_context = check_context(context)
        similar = await _similarity.find_similar(
            self._db, decision_type, checked_context, _similarity.SUGGESTION_SAMPLE
        )
        return _similarity.suggest_from_similar(checked_options, similar)

    async def _pattern_match(
        self, decision_type: str, context: DecisionContext, *, exclude_id: str | None = None
    ) -> list[PatternMatch]:
        similar = await _similarity.find_similar(
            self._db, decision_type, context, PATTERN_MATCH_LIMIT, exclude_id=exclude_id
        )
        return [PatternMatch(match.decision.id, match.score) for match in similar]


def _find_option(options: Sequence[DecisionOption], option_id: object) -> DecisionOption:
    for option in options:
        if option.id == option_id:
            return option
    ids = ", ".join(repr(option.id) for option in options)
    expected = f"the id of one of the decision's options ({ids})"
    raise ValidationError("option_id", option_id, expected)
