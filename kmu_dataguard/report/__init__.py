"""Outputs for people: the HTML report for data stewards."""
