"""Benchmarks (``make bench``). Figures go to docs/performance.md; none of this is a timed unit test."""
