"""Lambda as Lambda does it, on this machine: each function of template.yaml runs in worker processes started with
the AWS Lambda Runtime Interface Client (``python -m awslambdaric app.handler``), which polls the Lambda Runtime API
that ``runtime_api`` implements (DESIGN 7).

- ``runtime_api``: one execution environment's Runtime API (next invocation, response, error, init error).
- ``environment``: an execution environment: a worker process with the function's own environment and working
  directory, its Runtime API, its timeout enforced.
- ``pool``: the environments of one function, started on demand up to a concurrency limit; a REPORT line per
  invocation.
- ``event_sources``: the template's SQS event source mappings: pollers that invoke the functions with batches of
  messages and delete what each invocation settled; ``sqs_event``: the event Lambda sends, and its batch response.
"""
