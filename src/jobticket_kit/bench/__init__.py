"""Benchmarks that print their figures (``scripts/bench-*``); none of them asserts a speed."""
