"""Notices (通知公告): what staff publish to an area, for everyone who lives or works in it."""
