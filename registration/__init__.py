"""Resident self-registration: a person proves a phone, names themselves, and is matched
to the household register at once or by community staff who review the request."""
