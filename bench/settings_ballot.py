"""Settings for bench/ballot_cast.py only: the product's settings, plus the bare insert
view of bench/ballot_bare_urls.py mounted next to the real URLs."""

from config.settings import *  # noqa: F403  (the product's settings, unchanged)

ROOT_URLCONF = "bench.ballot_bare_urls"
