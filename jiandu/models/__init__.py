"""The supervision model engine's pure core: spec → checked sqlglot plan → SQL per engine.

- `spec`: the model file format (`ModelSpec`, `load_model_file`, `model_json_schema`).
- `expressions`: spec expressions, parsed and held to an allowlist.
- `sandbox`: checks power users' SQL and opens a locked-down DuckDB.
- `compiler` / `plan`: `compile_model` → `CompiledModel` (steps as CTEs, the funnel,
  the clue query), rendered through one adapter per engine.
- `library`: the built-in models (`library_models()`).
"""

from __future__ import annotations

import functools
from importlib import resources

from jiandu.models.compiler import compile_model, resolve_params, validate_model
from jiandu.models.errors import ModelError, SandboxError
from jiandu.models.plan import CLUE_COLUMNS, CompiledModel, PlanStep
from jiandu.models.sandbox import check_user_sql, sandboxed_duckdb
from jiandu.models.spec import ModelSpec, load_model_file, load_model_text, model_json_schema


def library_models() -> dict[str, ModelSpec]:
    """The built-in models shipped in jiandu/models/library, by id (a fresh dict each call;
    the files are parsed and validated once per process: they ship with the package)."""
    return dict(_library())


@functools.cache
def _library() -> tuple[tuple[str, ModelSpec], ...]:
    folder = resources.files("jiandu.models.library")
    found: dict[str, ModelSpec] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith((".yaml", ".yml")):
            spec = load_model_text(entry.read_text(encoding="utf-8"), entry.name)
            found[spec.id] = spec
    return tuple(found.items())


__all__ = [
    "CLUE_COLUMNS",
    "CompiledModel",
    "ModelError",
    "ModelSpec",
    "PlanStep",
    "SandboxError",
    "check_user_sql",
    "compile_model",
    "library_models",
    "load_model_file",
    "load_model_text",
    "model_json_schema",
    "resolve_params",
    "sandboxed_duckdb",
    "validate_model",
]
