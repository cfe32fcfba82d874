"""Readers: how to read a source (files, SQL) as a table of text columns."""
