"""Deterministic synthetic catalogs of any size, built from the demo catalog of local/demo/catalog.py.

The demo generator makes at most a few hundred distinct activities (one per format and theme); a catalog of
10,000 takes them as templates and varies what the scoring reads the way real catalogs vary: age ranges shifted by
whole half-years, group sizes, and a subset of the template's special-needs adaptations. Names get a number so
that every activity is distinct; ids are UUIDs derived from the seed and the position, so every run scores exactly
the same catalog.
"""

from __future__ import annotations

import random
import uuid

from early_learning.domain import PUBLIC_CATALOG, Activity

_NAMESPACE = uuid.UUID("b3c40000-0000-4000-8000-000000000000")


def synthetic_catalog(size: int, *, org_id: str = PUBLIC_CATALOG, seed: int = 5) -> list[Activity]:
    from local.demo.catalog import generate_activities

    templates = generate_activities({PUBLIC_CATALOG: 480}, seed=seed)
    rng = random.Random(f"{seed}/{size}")
    catalog = []
    for n in range(size):
        base = templates[n % len(templates)]
        min_age = max(0, base.min_age_months + rng.choice((-6, 0, 0, 6)))
        max_age = max(min_age + 12, base.max_age_months + rng.choice((-6, 0, 6)))
        min_group = max(1, base.min_group_size + rng.choice((-1, 0, 1)))
        adaptations = sorted(
            rng.sample(base.special_needs_adaptations, rng.randint(0, len(base.special_needs_adaptations)))
        )
        catalog.append(
            base.model_copy(
                update={
                    "id": str(uuid.uuid5(_NAMESPACE, f"{seed}/{n}")),
                    "org_id": org_id,
                    "name": f"{base.name} #{n // len(templates) + 1}",
                    "min_age_months": min_age,
                    "max_age_months": max_age,
                    "min_group_size": min_group,
                    "max_group_size": max(min_group, base.max_group_size + rng.choice((-2, 0, 2))),
                    "special_needs_adaptations": adaptations,
                }
            )
        )
    return catalog


def activity_drafts(count: int, *, tag: str) -> list[dict[str, object]]:
    """``count`` new activities as items of ``POST /api/v1/batch/create`` (whole resources without ``org_id``,
    ``version`` or ``updated_at``), as varied as the catalog's, with client-generated ids unique to ``tag``: what the
    write benchmarks create, then update and delete."""
    return [
        {
            **activity.model_dump(mode="json", exclude={"org_id", "version", "updated_at"}),
            "id": str(uuid.uuid5(_NAMESPACE, f"draft/{tag}/{n}")),
        }
        for n, activity in enumerate(synthetic_catalog(count, seed=7))
    ]
