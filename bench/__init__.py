"""Benchmarks and load generators; each one runs with `python -m bench.<name>` (see
docs/benchmarks.md)."""
