"""Benchmarks of peanut-async, run as ``python -m benchmarks [--quick]``.

Each benchmark runs the library and its baselines side by side in one process, repeats
every timed run on a fresh database and reports medians, ratios and the targets. See
``docs/benchmarks.md`` for the recorded numbers.
"""
