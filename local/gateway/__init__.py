"""The local HTTP API: what API Gateway (HTTP API) does in front of the functions, for every route in template.yaml
(DESIGN 7).

- ``app``: the ASGI app (``Gateway``, configured by ``GatewayConfig``): the steps of a request in API Gateway's order.
- ``routing``: route selection (404); ``throttling``: the routes' token buckets (429).
- ``authorizer``: the JWT authorizer (401, with fixed reasons that never echo the token).
- ``events``: the HTTP API v2 event a function gets, and its proxy response mapped back to HTTP.
- ``httpapi``: what the template's HttpApi means locally (intrinsic functions, authorizers, guarded routes);
  ``cors``: its CORS configuration; ``docs``: ``/docs`` (Swagger UI, served offline).
"""

from local.gateway.app import Gateway, GatewayConfig

__all__ = ["Gateway", "GatewayConfig"]
