"""The case pages, one module per role; `common` holds the detail page they share."""
