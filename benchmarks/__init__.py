"""Speed benchmarks (not tests): run with ``./dev bench``."""
