"""Rectification (整改): problems found become items with a unit, a measure and a deadline."""
