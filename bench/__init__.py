"""Benchmarks of the Activity Batch API (`make bench`): one module per measurement, orchestrated by ``bench.run``.

- ``http_batching``: batch vs individual requests over HTTP through the local stack, with and without a simulated
  50 ms network round trip (``proxy``).
- ``round_trips``: DynamoDB round trips per request, counted at the botocore level.
- ``cold_start``: each function's import and first invocation in a fresh interpreter, against a naive baseline.
- ``warm``: warm latency in-process (handler invoked directly, moto in-process) and how recommendations scale.

Every figure that decides something is a ratio against a baseline measured in the same run.
"""
