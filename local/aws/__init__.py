"""The AWS side of the local stack (DESIGN 7): the emulator (moto server), the template's resources in it, and the
environment that points a process at it.

- ``emulator``: moto server as a child process that dies with the stack: start, wait until it listens, stop.
- ``cognito``: the template's user pool and app client in the emulator, users, and signing in as an app does.
- ``queues``: the template's SQS queues in the emulator, and their URLs and ARNs for the functions' environments.
- ``moto_server``: the emulator's server: moto's, serving one DynamoDB and one SQS request at a time.
- ``environment``: the functions' environment for a process that imports the shared layer itself.

The template's tables are created by ``local.cfn.create_tables`` (the tests create them under moto the same way).
"""
