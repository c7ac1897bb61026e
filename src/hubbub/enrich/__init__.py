"""Enrichment: language, sentiment and emotion models (the pipeline that runs them comes later)."""
