"""Org units, institutions, users, roles and jurisdiction queries."""
