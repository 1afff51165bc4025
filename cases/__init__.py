"""Clues and their handling: disposal, findings, sanctions, referrals, feedback, close-out."""
