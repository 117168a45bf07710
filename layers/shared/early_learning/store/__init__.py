"""All AWS access of the service: PynamoDB models (storage role) and the reads the services need.

Handlers and services never see PynamoDB or botocore: they get domain models, raw attribute dicts for projected
reads, or ``ItemFailure``-free results with the keys that could not be read in time.
"""
