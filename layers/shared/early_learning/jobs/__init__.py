"""Batch jobs (DESIGN 3.9): the synchronous batch operations for up to 10,000 items, run in chunks by a worker fed by
an SQS queue, their progress counted and their per-item results kept for 7 days.

Modules: ``models`` (requests, the job, the chunk message), ``chunks`` (splitting a request into stored chunks),
``operations`` (the one adapter between a chunk and the synchronous routes' services), ``cursors`` (result and
listing pages), ``service`` (the HTTP routes' use cases), ``worker`` (a chunk's processing, dead letters, the end of
a job). All AWS access is ``store.jobs`` and ``store.job_queue``.
"""
