"""Page read models of the reporting pages: plain dataclasses built by one query each."""
