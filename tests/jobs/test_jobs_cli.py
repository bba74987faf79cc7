"""`jiandu schedules list|add|remove` and `jiandu worker`: a standalone consumer runs a
job the server queued, and stops cleanly on SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from typing import Any

import pytest
from argon2 import PasswordHasher

from jiandu.cli import jobs_cmd
from jiandu.cli.app import main
from jiandu.config import Settings
from jiandu.jobs.runner import Actor, JobRunner
from jiandu.jobs.settings import QueueSettings
from jiandu.security import passwords
from jiandu.security.units import create_unit
from jiandu.security.users import create_user
from jiandu.store.db import make_engine, session_scope
from jiandu.store.schema import Job


@pytest.fixture
def people(home: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setattr(
        passwords, "_HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
    with session_scope(make_engine(home.database_url)) as session:
        create_unit(session, id="zj", name="浙江省人民检察院", kind="procuratorate",
                    level="province", region_code="330000")  # fmt: skip
        create_user(session, username="mod", display_name="mod", unit_id="zj",
                    password=None, roles=["modeler"])  # fmt: skip
        create_user(session, username="pros", display_name="pros", unit_id="zj",
                    password=None, roles=["data_steward"])  # fmt: skip
    return home


def _json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> Any:
    capsys.readouterr()
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_schedules_add_list_remove(people: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    made = _json(capsys, ["schedules", "add", "0 2 * * *", "models.run_all", "--as", "mod"])
    assert made["kind"] == "models.run_all" and made["next_fire_at"] and made["enabled"]
    assert [s["id"] for s in _json(capsys, ["schedules", "list"])] == [made["id"]]
    with pytest.MonkeyPatch.context() as patch:  # a terminal wide enough for one line a row
        patch.setattr(jobs_cmd.console, "width", 240)
        assert main(["schedules", "list"]) == 0
    assert "每天 02:00" in capsys.readouterr().out  # the table says when, in words
    # Someone who may not run models cannot have runs scheduled for them; a bad cron fails.
    assert main(["schedules", "add", "0 2 * * *", "models.run_all", "--as", "pros"]) != 0
    assert main(["schedules", "add", "0 2 * *", "models.run_all", "--as", "mod"]) != 0
    assert main(["schedules", "add", "0 2 * * *", "model.run", "--as", "mod"]) != 0
    assert main(["schedules", "remove", made["id"]]) == 0
    assert _json(capsys, ["schedules", "list"]) == []
    assert main(["schedules", "remove", made["id"]]) != 0


def test_a_standalone_worker_runs_queued_jobs_and_stops_on_sigterm(people: Settings) -> None:
    engine = make_engine(people.database_url)
    server = JobRunner(engine, people, queue=QueueSettings(url="", workers=0))
    import jiandu.web.app  # noqa: F401 - the kinds a server registers

    job_id = server.submit(kind="models.run_all", title_zh="全部", title_en="all",
                           principal=Actor("no-such-user", "zj"))  # fmt: skip
    server.shutdown(wait=False)
    worker = subprocess.Popen(
        [sys.executable, "-c", "from jiandu.cli.app import main; raise SystemExit(main())",
         "worker", "--workers", "1"],
        env=os.environ.copy(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        status = "queued"
        while time.monotonic() < deadline and status in ("queued", "running"):
            time.sleep(0.1)
            with session_scope(engine) as session:
                job = session.get_one(Job, job_id)
                status, error = job.status, job.error_en
        # It ran in the worker: as a user who does not exist, which it checked again.
        assert status == "failed" and "no-such-user" in (error or ""), error
    finally:
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=30)
    assert worker.returncode == 0, output
