"""Page read models of campaigns (no Flask)."""
