"""Page read models of notifications (dataclasses; no Flask)."""
