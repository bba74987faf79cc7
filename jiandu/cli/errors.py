"""The one error handler of the command line.

A JianduError is the user's to act on: its bilingual message (and location) is printed
and the exit code says which kind it was. Anything else is our bug: the traceback goes
to a log file under JIANDU_HOME/logs, never to the screen, because it may hold personal
data or SQL; ID and phone numbers in it are masked even there. The person gets the log's
path to hand to an administrator.
"""

from __future__ import annotations

import traceback
from datetime import UTC, datetime
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape

from jiandu.config import load_settings
from jiandu.errors import ConfigError, JianduError
from jiandu.security.masking import scrub_text

EXIT_USER_ERROR = 2
EXIT_CONFIG_ERROR = 3
EXIT_INTERNAL_ERROR = 70


def _log_internal_error(error: BaseException) -> Path | None:
    try:
        logs = load_settings().home / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        path = logs / f"error-{datetime.now(UTC):%Y%m%d-%H%M%S-%f}.log"
        text = scrub_text("".join(traceback.format_exception(error))) or ""
        path.write_text(text, encoding="utf-8")
        return path
    except Exception:  # the handler itself must never fail
        return None


def run_guarded(app: typer.Typer, argv: list[str], console: Console) -> int:
    err = Console(stderr=True)
    try:
        # Standalone mode lets Typer print usage errors and help itself (exiting through
        # SystemExit); everything our commands raise comes through to the handlers below.
        app(args=argv, prog_name="jiandu", standalone_mode=True)
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    except JianduError as error:
        where = error.location.describe()
        err.print(f"[bold red]错误 Error[/]{' [' + escape(where) + ']' if where else ''}")
        err.print(f"  {escape(error.zh)}")
        err.print(f"  {escape(error.en)}")
        return EXIT_CONFIG_ERROR if isinstance(error, ConfigError) else EXIT_USER_ERROR
    except Exception as error:
        path = _log_internal_error(error)
        err.print(
            "[bold red]内部错误 Internal error[/]: 这是 jiandu 的缺陷，请报告 / a bug in jiandu."
        )
        if path:
            err.print(f"  详细信息已写入 details written to {path}")
        return EXIT_INTERNAL_ERROR
    return 0
