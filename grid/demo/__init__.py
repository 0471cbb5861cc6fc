"""A fictional demo district (滨浦区, code 310199) with streets, communities, grids and a
resident population, generated deterministically from a seed.

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
