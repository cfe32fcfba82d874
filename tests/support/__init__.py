"""Helpers the tests share: real servers, export builders, CLI runners (no tests here)."""
