"""Page read models of the clue pages: plain dataclasses built by one query each."""
