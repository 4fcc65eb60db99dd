"""Benchmarks behind `graph-agent bench`: each prints a table and can write its figures as JSON."""
