"""Page read models of tips (dataclasses; no Flask)."""
