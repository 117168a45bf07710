"""Test data that is not demo data (DESIGN 8: test data lives under tests/, demo data under local/)."""
