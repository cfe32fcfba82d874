"""The embedded demo world generator."""
