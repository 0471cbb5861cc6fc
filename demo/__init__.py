"""A fictional demo district (滨浦区, code 310199) with streets, communities, grids, a
resident population, the accounts of every role and 90 days of cases, generated
deterministically from a seed (`manage.py demo`, `manage.py demo_accounts`).

Everything is written through the domain services (grid.services and services_bulk,
feedback.catalog and services_bulk, accounts.services_provision), so loading the demo
exercises them; no domain app imports this package (tests/demo/test_boundary.py).

Nothing here is real: the district code is unassigned, the names are drawn from common
surnames and given names, and the ID numbers are synthetic (valid check digit, real-format
region codes) so that every validation the platform runs accepts them.
"""

import datetime as dt

DISTRICT_CODE = "310199"
DISTRICT_NAME = "滨浦区"
DEFAULT_SEED = 2015
DEFAULT_HOUSEHOLDS = 3200
# Ages and special groups are computed against a fixed day, not today, so that one seed
# always yields the same records.
AS_OF = dt.date(2025, 6, 30)
