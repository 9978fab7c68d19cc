"""Benchmarks of pacer: accuracy and speed, as ratios and distributions, one command."""
