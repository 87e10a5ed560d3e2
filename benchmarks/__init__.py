"""haicap benchmarks: `make bench` runs every `bench_*.py` module and rewrites RESULTS.md."""
