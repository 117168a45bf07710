"""Clients written only from the users' guide (seed/batch-endpoints-guide.md) work against the local stack."""

from __future__ import annotations

import httpx
import pytest

from local.demo import ids
from tests.e2e.conftest import Stack, run_async
from tests.e2e.guide_client import BatchClient

pytestmark = pytest.mark.e2e

TEACHER = "teacher@sunrise.example"


def localhost_url(stack: Stack) -> str:
    """The guide's base URL is http://localhost:8000; only the port differs here."""
    return stack.api_url.replace("127.0.0.1", "localhost")


def test_the_guides_httpx_example_works_unchanged(stack: Stack) -> None:
    # Given a token, and the guide's "Example Usage" of batch GET (its three example ids are demo activities)
    token = stack.token(TEACHER)
    printed: list[str] = []
    # When it runs as written (print replaced by collecting the lines)
    response = httpx.post(
        f"{localhost_url(stack)}/api/v1/batch/get",
        json={
            "resource_type": "activities",
            "ids": [
                "123e4567-e89b-12d3-a456-426614174000",
                "223e4567-e89b-12d3-a456-426614174001",
                "323e4567-e89b-12d3-a456-426614174002",
            ],
            "fields": "id,name,activity_type",
        },
        headers={"Authorization": f"Bearer {token}"},
    )

    data = response.json()
    for result in data["results"]:
        if result["status"] == "success":
            printed.append(f"Activity: {result['data']['name']}")
        else:
            printed.append(f"Error: {result['error']}")
    # Then it prints the three activities' names
    assert printed == ["Activity: Block Tower Challenge", "Activity: Rhyme Time Circle", "Activity: Garden Bug Hunt"]


def test_the_guides_batch_client_fetches_activities(stack: Stack) -> None:
    # Given the guide's BatchClient, verbatim, with a token of the teacher
    client = BatchClient(localhost_url(stack), stack.token(TEACHER))
    requested = [ids.PUBLIC_SONGS, ids.SUNRISE_SENSORY_BIN, ids.MAPLE_LEAF_ART]
    # When it fetches activities with and without field selection
    selected = run_async(client.batch_get_activities(requested, fields="id,name"))
    everything = run_async(client.batch_get_activities(requested))
    # Then it gets the successful items (Maple's private activity is not among them)
    assert [item["id"] for item in selected] == [ids.PUBLIC_SONGS, ids.SUNRISE_SENSORY_BIN]
    assert set(selected[0]) == {"id", "name"}
    assert everything[1]["materials"] == ["coloured rice", "scoops", "plastic shapes"]
