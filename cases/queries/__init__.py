"""Page read models: what a page shows, gathered in one query function returning a dataclass.

The views render them; they hold no query of their own (issue 17 move 6)."""
