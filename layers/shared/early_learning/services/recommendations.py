"""Activity recommendations for many children at once (POST /api/v1/batch/activities/recommendations) and for one
(GET /api/v1/children/{id}/recommendations): the same code path, so a single child gets the batch item's data.

Cost of a batch, whatever its size up to 50 children: one BatchGetItem for the children, one for the histories of
those the caller may see, and the caller's visible catalog from the warm function's cache (one Query per catalog
partition when cold). Request-wide filters run once per catalog and options (``scoring.prepare_catalog``, kept with
the cached catalog: ``activities.catalog_view``); scoring is per child.

``batch_recommendations`` answers a ``BatchAnswer`` (``envelope.answer_batch``): the per-item results as plain data
(each success's ``data`` a ``ChildRecommendations``), and the response body, serialized once, that the route returns
as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from early_learning.domain import Activity, Child, CorruptRecord, InvalidId, Membership, NotFound, StoreUnavailable
from early_learning.envelope import BatchAnswer, Deadline, ItemFailure, answer_batch, canonical_uuid, utc_now
from early_learning.observability import logger, record_batch
from early_learning.recommendation_models import BatchRecommendationsRequest, ChildRecommendations
from early_learning.scoring import PreparedCatalog, RecommendationOptions, filter_key, prepare_catalog, recommend
from early_learning.settings import get_settings
from early_learning.store import activities, children, history
from early_learning.store.base import counting_calls

Outcomes = dict[str, ChildRecommendations | ItemFailure]


def batch_recommendations(
    request: BatchRecommendationsRequest, caller: Membership, deadline: Deadline, today: date
) -> BatchAnswer:
    """One result per requested child id, in order (DESIGN 3.2); ``today`` is the request's date (ages). The answer's
    ``results`` (plain data; ``jsonable_results()`` as JSON values) and ``body`` (a
    ``BatchRecommendationsResponse``'s JSON)."""
    resolve = _resolver(caller, request.options(), deadline, today)
    with counting_calls() as calls:
        answer = answer_batch(request.child_ids, resolve, size_budget=get_settings().response_limit_bytes)
    record_batch("batch_recommendations", answer.total_requested, answer.total_succeeded, len(calls))
    return answer


def child_recommendations(
    child_id: str, caller: Membership, options: RecommendationOptions, today: date, deadline: Deadline
) -> ChildRecommendations:
    """The recommendations of one child: what the batch answers for it, or NotFound when it is missing or not
    visible to the caller (same answer)."""
    key = canonical_uuid(child_id)
    if key is None:
        raise InvalidId(ItemFailure.invalid_id().message)
    outcome = _resolver(caller, options, deadline, today)([key]).get(key)
    if outcome is None:
        raise StoreUnavailable("The recommendations could not be computed in time; retry the request")
    if isinstance(outcome, ItemFailure):
        if outcome.error_code == ItemFailure.internal_error().error_code:
            raise CorruptRecord("Child", key, ["(record or history; logged)"])  # a 500 problem
        raise NotFound(outcome.message)
    return outcome


def _resolver(
    caller: Membership, options: RecommendationOptions, deadline: Deadline, today: date
) -> Callable[[list[str]], Outcomes]:
    def resolve(keys: list[str]) -> Outcomes:
        outcomes: Outcomes = {}
        visible = _visible_children(keys, caller, deadline, outcomes)
        if not visible:
            return outcomes
        # The children were read: from here on, a failed read is a partial failure (DESIGN 3.1), never a 500. The
        # children it leaves unscored are answered 503, retryable; the others keep their answers.
        try:
            histories = history.read_many([child.id for child in visible], deadline)
            if all(child.id in histories.unfinished for child in visible):
                return outcomes  # nothing to score
            catalog = activities.catalog_view(
                caller.org_id, ("recommendations", filter_key(options)), _preparing(options), deadline
            )
        except StoreUnavailable:
            logger.warning("Catalog unavailable; the visible children are answered 503", extra={"org": caller.org_id})
            return outcomes
        generated_at = utc_now()
        for child in visible:
            if deadline.expired():
                break  # the children not scored yet are answered 503 unavailable, retryable
            if child.id in histories.unfinished:
                continue
            if child.id in histories.corrupt:
                outcomes[child.id] = ItemFailure.internal_error()  # logged by id in history.read_many
                continue
            recent = {entry.activity_id for entry in histories.entries.get(child.id, ())}
            outcomes[child.id] = ChildRecommendations(
                child_id=child.id,
                recommendations=recommend(child, catalog, options, recent_activity_ids=recent, today=today),
                generated_at=generated_at,
            )
        return outcomes

    return resolve


def _preparing(options: RecommendationOptions) -> Callable[[tuple[Activity, ...]], PreparedCatalog]:
    return lambda catalog: prepare_catalog(catalog, options)


def _visible_children(keys: list[str], caller: Membership, deadline: Deadline, outcomes: Outcomes) -> list[Child]:
    """The children among ``keys`` the caller may see, in key order; the others are recorded in ``outcomes`` as
    not found (missing and not accessible get the same answer), and unread ones are left out (503)."""
    read = children.read_many(keys, deadline)
    visible: list[Child] = []
    for key in keys:
        if key in read.unfinished:
            continue
        item = read.items.get(key)
        if key in read.corrupt:
            outcomes[key] = ItemFailure.internal_error()
        elif item is None or not caller.can_read_child(str(item.get("org_id")), str(item.get("classroom_id")), key):
            outcomes[key] = ItemFailure.not_found("Child", key)
        else:
            try:
                visible.append(children.to_domain(item))
            except CorruptRecord as exc:
                logger.error("Corrupt child answered 500", extra={"id": exc.record_id, "fields": exc.fields})
                outcomes[key] = ItemFailure.internal_error()
    return visible
