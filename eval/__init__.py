"""Retrieval evaluation: question set, metrics, baselines and the harness (`python -m eval`)."""
