"""Trained weights shipped with Hubbub (each with a MODEL_CARD in docs); loaded by hubbub.enrich."""
