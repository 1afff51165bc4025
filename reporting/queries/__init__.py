"""Page read models of reporting (dataclasses; no Flask)."""
