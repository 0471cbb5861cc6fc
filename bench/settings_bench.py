"""Settings for bench/case_intake.py only: the product's settings, plus the bare insert
view of bench/bare_urls.py mounted next to the real URLs."""

from config.settings import *  # noqa: F403  (the product's settings, unchanged)

ROOT_URLCONF = "bench.bare_urls"
