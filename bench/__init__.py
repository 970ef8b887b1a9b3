"""Benchmarks; each script prints its results (see BENCHMARKS.md)."""
