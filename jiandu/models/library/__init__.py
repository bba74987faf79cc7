"""Built-in supervision models (YAML), loaded by `jiandu.models.library_models`."""
