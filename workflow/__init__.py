"""The lifecycle engine, time limits and the official working-day calendar."""
