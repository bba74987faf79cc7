"""The API's routers, one module per area; each route declares its guard (jiandu.web.guard)."""
