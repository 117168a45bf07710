"""Benchmarks of the Activity Batch API (`make bench`): one module per measurement, orchestrated by ``bench.run``.

- ``http_batching``: batch vs individual requests over HTTP through the local stack, with and without a simulated
  50 ms network round trip (``proxy``).
- ``round_trips``: DynamoDB round trips per request (reads, and batch writes), counted at the botocore level.
- ``cold_start``: each function's import and first invocation in a fresh interpreter, against a naive baseline.
- ``warm``: warm latency in-process (handler invoked directly, moto in-process) and how recommendations scale.
- ``warm_writes``: the function's own work per written item (batch update of 100) against a batch read of 100.
- ``http_writes``: one batch update vs N single PATCHes over HTTP through the local stack, as ``http_batching``.

Every figure that decides something is a ratio against a baseline measured in the same run.
"""
