"""Page read models of the directory (no Flask)."""
