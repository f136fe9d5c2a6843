"""Matching engine: pure Python, no Django. See docs/matching.md."""
