"""The case window: one tab per part of the case file (parties, sessions, outcome, …)."""
