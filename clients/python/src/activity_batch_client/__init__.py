"""Python client of the Activity Batch API (DESIGN 10): ``Client`` and ``AsyncClient`` on httpx, models generated
from the API's openapi.json (``activity_batch_client.models``), batch jobs and webhook verification.

    from activity_batch_client import Client

    with Client("http://127.0.0.1:8000", token=token) as api:
        found = api.get_many("activities", ids)          # any number of ids: chunked, concurrent, retried
        for item in found.failed:
            print(item.id, item.status_code, item.error_code)
"""

from activity_batch_client.aio import AsyncClient
from activity_batch_client.aio_jobs import AsyncJobHandle
from activity_batch_client.client import Client
from activity_batch_client.errors import ApiError, ClientError, ProtocolError
from activity_batch_client.jobs import JobHandle
from activity_batch_client.limits import Limits, Quota
from activity_batch_client.results import BatchResult, Item
from activity_batch_client.retry import RetryPolicy
from activity_batch_client.webhooks import JobCompletedData, WebhookEvent, WebhookVerificationError, verify_webhook

__all__ = [
    "ApiError",
    "AsyncClient",
    "AsyncJobHandle",
    "BatchResult",
    "Client",
    "ClientError",
    "Item",
    "JobCompletedData",
    "JobHandle",
    "Limits",
    "ProtocolError",
    "Quota",
    "RetryPolicy",
    "WebhookEvent",
    "WebhookVerificationError",
    "verify_webhook",
]
__version__ = "0.1.0"
