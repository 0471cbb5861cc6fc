"""Infrastructure: how the app meets its server, its databases and its framework.

Nothing here knows a case, a grid or a role. Request bodies on the event loop
(`asgi_body`), the database seams the ORM does not offer (`db`), SQLite connection
set-up (`sqlite`), SpatiaLite index repair for migrations (`spatial_index`), the busy
database answer (`busy`), the server's start and stop (`lifespan`), and the one module
that touches Django's private API (`django_private`).
"""
