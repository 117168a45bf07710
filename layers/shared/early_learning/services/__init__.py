"""Use cases: what a route calls. Each takes validated requests and the caller's membership, returns responses."""
