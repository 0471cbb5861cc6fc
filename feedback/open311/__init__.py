"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) at /open311/v2/.

Categories are services (leaf code = service_code, parent name = group); cases are
service requests. Reading is public and shows only what the public case list shows:
no hidden case, no case of a sensitive category, no rejected, withdrawn or merged case,
never who reported it, no staff note. Filing needs an `api_key`, which is an API token
(accounts.ApiToken) of an account holding a reporting role over the area — typically the
integrating app's window/hotline account. Requests filed this way get source "open311".
"""
