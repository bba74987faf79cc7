"""`jiandu search`: syncs the index, searches, masks unless --unmask with a reason."""

from __future__ import annotations

import getpass
import json
from pathlib import Path
from typing import Any

import metadata_store
import pytest
import typer
from rich.console import Console
from search_corpus import CIVIL, ID_CARD, PHONE, write_judgments

from jiandu.cli import search_cmd
from jiandu.cli.app import main
from jiandu.cli.errors import EXIT_USER_ERROR, run_guarded


def _app() -> typer.Typer:
    """The command as `jiandu search` (registered on a Typer of its own here)."""
    app = typer.Typer()

    @app.callback()
    def root() -> None:
        """jiandu"""

    app.command("search")(search_cmd.search_command)
    return app


def jiandu_search(*argv: str) -> int:
    return run_guarded(_app(), ["search", *argv], Console())


@pytest.fixture
def cli_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Path:
    home = tmp_path / "home"
    metadata_store.use_metadata(monkeypatch, home, request)
    monkeypatch.setattr(getpass, "getuser", lambda: "检察官")
    monkeypatch.setattr(search_cmd.console, "width", 250)
    assert main(["init"]) == 0
    csv = write_judgments(tmp_path / "judgments.csv", list(CIVIL))
    assert main(["import", "judgment_document", str(csv), "--json"]) == 0
    return home


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    capsys.readouterr()
    assert jiandu_search(*argv, "--json") == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def _snippet(hit: dict[str, Any]) -> str:
    return "".join(segment["text"] for segment in hit["snippet"])


def test_search_syncs_first_and_masks_by_default(
    cli_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    found = run_json(capsys, "身份证号")
    assert found["total"] == 1 and found["masked"] is True
    (hit,) = found["hits"]
    text = _snippet(hit)
    assert ID_CARD not in text and PHONE not in text
    assert ID_CARD[:6] + "********" + ID_CARD[-4:] in text
    assert "张三丰" not in text and "张**" in text
    assert hit["parties"] == ["张**", "李*"]
    assert hit["case_no"] == "（2020）浙0602民初1001号" and hit["date"] == "2020-05-06"


def test_unmask_needs_a_reason_and_is_audited(
    cli_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert jiandu_search("身份证号", "--unmask") == EXIT_USER_ERROR
    found = run_json(capsys, "身份证号", "--unmask", "--reason", "核查线索")
    text = _snippet(found["hits"][0])
    assert ID_CARD in text and "张三丰" in text and found["masked"] is False
    capsys.readouterr()
    assert main(["audit", "list", "--json"]) == 0
    entries = json.loads(capsys.readouterr().out)
    assert any(e["action"] == "pii.unmask" and e["object_kind"] == "search" for e in entries)


def test_filters_and_dates(cli_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_json(capsys, "民初", "--court", "柯桥")["total"] == 1
    assert run_json(capsys, "民初", "--cause", "借贷")["total"] == 2
    assert run_json(capsys, "民初", "--from", "2021-01-01", "--to", "2021-12-31")["total"] == 1
    assert run_json(capsys, "民初", "--type", "court_case")["total"] == 0
    assert run_json(capsys, "民初", "--dataset", "judgment_document")["total"] == 3
    assert run_json(capsys, "民初", "--limit", "1")["total"] == 3
    assert jiandu_search("民初", "--from", "2021/01/01") == EXIT_USER_ERROR


def test_table_output_and_reindex(cli_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert jiandu_search("买卖合同", "--reindex") == 0
    out = capsys.readouterr().out
    assert "检索结果 search results: 1" in out
    assert "（2021）浙0603民初2002号" in out


def test_a_bad_query_is_a_user_error(cli_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert jiandu_search("，。") == EXIT_USER_ERROR
    err = capsys.readouterr().err
    assert "检索词" in err and "search term" in err
