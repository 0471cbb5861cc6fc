"""Consultation: topics, deliberation, ballots (built by the consultation issue)."""
