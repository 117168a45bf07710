"""The demo data `make run` loads (DESIGN 7), deterministic so that the ids in events/ hold on every start.

- ``ids``: the fixed ids (organizations, classrooms, subs, activities, children) and the reference date.
- ``users``: the demo users of the local user pool, and their password.
- ``core``: the fixed core records: activities, memberships, children and their histories.
- ``catalog``: the generated catalog (a few hundred activities, from ``data/catalog.json``).
- ``children``: the generated children of every classroom and their histories (names from ``data/names.json``).
- ``seed``: writes all of it through the layer's store, one step per kind of data.

The tests' own extra data lives under tests/ (``tests/data``).
"""
