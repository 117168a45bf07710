"""The local stack (DESIGN 7): the whole API on this machine, without Docker or an AWS account.

- ``stack`` (`make run`), ``token`` (`make token`), ``invoke`` (`make invoke`), ``openapi`` (`make openapi`),
  ``load`` (`make load`), ``botocore_endpoints``: the command-line entry points (``python -m local.<name>``).
- ``aws``: the AWS emulator (moto server) and the template's resources in it; ``gateway``: what API Gateway does;
  ``lambda_``: what Lambda does (the Runtime API and the functions' worker processes); ``demo``: the demo data.
- ``cfn`` and ``intrinsics``: template.yaml read for all of them; ``stack_file``: the running stack's description;
  ``background``: a stack started in the background (e2e tests, benchmarks, load test); ``in_process``: the
  functions run in this process under moto's mock (tests); ``child_process`` and ``ports``: the helpers beneath.
"""
