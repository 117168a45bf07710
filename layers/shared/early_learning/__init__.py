"""Domain package of the Activity Batch API, shipped to every function as the shared Lambda layer.

Modules by role:
- ``settings``: configuration from environment variables, read once.
- ``domain``: domain models (activities, children, principals) and domain exceptions.
- ``envelope``: the per-item batch result model, generic over operations.
- ``store``: all AWS access (PynamoDB models, batch reads with backoff); nothing else imports botocore.
- ``services``: the use cases the functions call (batch get, listings, recommendations).
- ``web``: FastAPI wiring shared by every function (problem details, observability, the caller dependency).
"""
