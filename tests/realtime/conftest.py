"""The case cast of tests/feedback, for the socket tests."""

from tests.feedback.conftest import categories, departments, people  # noqa: F401
