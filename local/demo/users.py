"""The demo users of the local stack's user pool (DESIGN 7), their password, and the membership each one's real
Cognito ``sub`` gets."""

from __future__ import annotations

from dataclasses import dataclass

from early_learning.domain import Membership, Role
from local.demo.ids import GUARDIAN_CHILD_IDS, MAPLE, SUNRISE, SUNRISE_A

DEMO_PASSWORD = "Demo-Passw0rd!"


@dataclass(frozen=True)
class DemoUser:
    """A Cognito user of the local stack and the membership its real ``sub`` gets (DESIGN 7)."""

    username: str
    org_id: str
    role: Role
    classroom_ids: frozenset[str] = frozenset()
    child_ids: frozenset[str] = frozenset()

    def membership(self, sub: str) -> Membership:
        return Membership(
            sub=sub, org_id=self.org_id, role=self.role, classroom_ids=self.classroom_ids, child_ids=self.child_ids
        )


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("admin@sunrise.example", SUNRISE, Role.ADMIN),
    DemoUser("teacher@sunrise.example", SUNRISE, Role.EDUCATOR, classroom_ids=frozenset({SUNRISE_A})),
    DemoUser("parent@sunrise.example", SUNRISE, Role.GUARDIAN, child_ids=GUARDIAN_CHILD_IDS),
    DemoUser("admin@maple.example", MAPLE, Role.ADMIN),
)
