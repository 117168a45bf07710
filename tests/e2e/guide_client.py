# The seed guide's Python client (seed/batch-endpoints-guide.md, "Python Client"), copied verbatim: the e2e tests
# check that a client written from the guide works against the API unchanged. Lint and typing rules are waived for
# the copy (it uses typing.List, an implicit Optional default, and never closes its AsyncClient).
# ruff: noqa
# mypy: ignore-errors
# fmt: off
from typing import List, Dict, Any
import httpx

class BatchClient:
    def __init__(self, base_url: str, token: str):
        self.base_url = base_url
        self.token = token
        self.headers = {"Authorization": f"Bearer {token}"}

    async def batch_get_activities(
        self,
        activity_ids: List[str],
        fields: str = None
    ) -> List[Dict[str, Any]]:
        """Fetch multiple activities in batch."""
        response = await httpx.AsyncClient().post(
            f"{self.base_url}/api/v1/batch/get",
            json={
                "resource_type": "activities",
                "ids": activity_ids,
                "fields": fields
            },
            headers=self.headers
        )
        response.raise_for_status()

        data = response.json()

        # Return only successful results
        return [
            result["data"]
            for result in data["results"]
            if result["status"] == "success"
        ]

    async def batch_recommendations(
        self,
        child_ids: List[str],
        max_recommendations: int = 5
    ) -> Dict[str, List[Dict[str, Any]]]:
        """Get recommendations for multiple children."""
        response = await httpx.AsyncClient().post(
            f"{self.base_url}/api/v1/batch/activities/recommendations",
            json={
                "child_ids": child_ids,
                "max_recommendations": max_recommendations
            },
            headers=self.headers
        )
        response.raise_for_status()

        data = response.json()

        # Return recommendations by child_id
        return {
            result["id"]: result["data"]["recommendations"]
            for result in data["results"]
            if result["status"] == "success"
        }
