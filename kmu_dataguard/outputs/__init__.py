"""Renderers of a result for machines and terminals; one module per format."""
