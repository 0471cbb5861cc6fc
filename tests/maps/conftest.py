"""The feedback fixtures (departments, categories, people around grid GRID) for the map
layers, which draw cases."""

from tests.feedback.conftest import categories, departments, people  # noqa: F401
