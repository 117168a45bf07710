"""``GET /api/v1/batch/limits`` (DESIGN 3.6) read into ``Limits``: the generated model of its answer, mapped."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from activity_batch_client import models
from activity_batch_client.errors import ProtocolError
from activity_batch_client.limits import Limits, Quota

LIMITS_PATH = "/api/v1/batch/limits"


def read_limits(document: Any) -> Limits:
    """The limits of the route's JSON answer; ``ProtocolError`` when it is not the contract's ``Limits``."""
    try:
        answer = models.Limits.model_validate(document)
        return Limits(
            get_ids=answer.batch_get.max_ids,
            recommendation_child_ids=answer.recommendations.max_child_ids,
            write_items=answer.batch_write.max_items,
            # One action per item, at least (a child's delete takes two: the server refuses such a batch with a 422)
            atomic_write_items=min(answer.batch_write.max_items, answer.batch_write.atomic_max_actions),
            job_items=answer.jobs.max_items,
            request_bytes=answer.request_body.synchronous_max_bytes,
            quotas=tuple(Quota(quota.policy, quota.quota, quota.window_s) for quota in answer.quotas),
        )
    except (ValidationError, ValueError) as exc:
        raise ProtocolError(f"{LIMITS_PATH}: not the contract's Limits ({exc})") from exc
