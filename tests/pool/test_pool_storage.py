"""The pool on shared storage (JIANDU_POOL_URL): imports land there, models read it.

`s3://` is the real s3fs speaking the S3 protocol over HTTP to moto's S3 server on
loopback (what MinIO, Ceph RGW and OSS speak too). Every protocol other than `file://`
goes through the same fsspec code, so two in-memory filesystems stand in for more:
`memory://` (paths with a root `/`, spelled `memory:///root/...`, as HDFS is) and
`jdobj://`, spelled like s3fs spells S3 (`jdobj://bucket/key`, no root marker) but able
to fail halfway on demand. `file://` stands for a shared mount.
"""

from __future__ import annotations

import csv
import errno
import io
import secrets
import socket
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

import duckdb
import fsspec
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from fsspec.implementations.memory import MemoryFileSystem

from jiandu.catalog.registry import builtin_types
from jiandu.config import Settings, load_settings
from jiandu.errors import ConfigError
from jiandu.fields.id_card import check_char
from jiandu.ingest.importer import ImportRequest, import_batch
from jiandu.models.registry import get_model
from jiandu.models.runner import pool_snapshot, run_model
from jiandu.models.sandbox import sandboxed_duckdb
from jiandu.pool import layout
from jiandu.pool.storage import (
    LocalPool,
    PoolStorageError,
    RemotePool,
    arrow_location,
    pool_storage,
    spark_path,
)
from jiandu.store import pool_catalog
from jiandu.store.db import make_engine, session_scope
from jiandu.workspace import init_workspace, open_workspace


class ObjectStoreDouble(MemoryFileSystem):  # type: ignore[misc]
    """An in-memory filesystem spelled like an object store: `jdobj://bucket/key`."""

    protocol = ("jdobj",)
    root_marker = ""
    store: ClassVar[dict[str, Any]] = {}
    pseudo_dirs: ClassVar[list[str]] = [""]

    @classmethod
    def _strip_protocol(cls, path: str) -> str:
        return str(path).removeprefix("jdobj://").rstrip("/")


fsspec.register_implementation("jdobj", ObjectStoreDouble, clobber=True)


def person_id(seq: int) -> str:
    first17 = f"33060219450101{seq:03d}"
    return first17 + check_char(first17)


# pension_after_death (min_months 2): A paid three months after death, D two; B and C
# only in the month of death or one arrears month; E alive.
ID_A, ID_B, ID_C, ID_D, ID_E = (person_id(n) for n in (11, 22, 33, 44, 55))
MONTHS = ["2023-01", "2023-02", "2023-03", "2023-04", "2023-05", "2023-06"]
PAYMENTS = [("甲", ID_A, 6), ("乙", ID_B, 3), ("丙", ID_C, 4), ("丁", ID_D, 3), ("戊", ID_E, 6)]
DEATHS = [(ID_A, "2023-03-15"), (ID_B, "2023-03-10"), (ID_C, "2023-03-20"), (ID_D, "2023-01-31")]


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(rows)
    return path


def import_file(settings: Settings, type_id: str, path: Path) -> str:
    request = ImportRequest(dataset_type=builtin_types()[type_id], files=(path,))
    result = import_batch(settings, request)
    assert result.status == "committed"
    return result.batch_id


def import_pension_pool(settings: Settings, folder: Path) -> dict[str, str]:
    folder.mkdir(parents=True, exist_ok=True)
    pay = [["姓名", "身份证号", "发放月份", "金额"]]
    pay += [[name, pid, month, "1000"] for name, pid, n in PAYMENTS for month in MONTHS[:n]]
    deaths = [["身份证号", "死亡日期"], *[[pid, day] for pid, day in DEATHS]]
    sentences = [["身份证号", "姓名", "刑罚种类", "刑期起日", "刑期止日"]]
    sentences.append([ID_E, "戊", "缓刑", "2023-01-10", "2024-01-09"])
    return {
        "pension_payment": import_file(
            settings, "pension_payment", write_csv(folder / "养老金.csv", pay)
        ),
        "death_record": import_file(
            settings, "death_record", write_csv(folder / "死亡.csv", deaths)
        ),
        "sentence_record": import_file(
            settings, "sentence_record", write_csv(folder / "刑罚.csv", sentences)
        ),
    }


def make_settings(
    home: Path, pool_url: str = "", pool_options: dict[str, Any] | None = None
) -> Settings:
    settings = Settings(
        home=home,
        database_url=f"sqlite:///{home / 'jiandu.db'}",
        engine="duckdb",
        pool_url=pool_url,
        pool_options=pool_options or {},
    )
    init_workspace(settings)
    return settings


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """moto's S3 server on a free loopback port, for this module; its URL."""
    from moto.server import ThreadedMotoServer

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


def s3_options(endpoint: str) -> dict[str, Any]:
    """s3fs's arguments for the test server, as JIANDU_POOL_OPTIONS gives them."""
    return {"endpoint_url": endpoint, "key": "testing", "secret": "testing",
            "client_kwargs": {"region_name": "us-east-1"}}  # fmt: skip


@pytest.fixture(params=["s3", "memory", "object", "file"])
def shared(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """A JIANDU_HOME whose pool is elsewhere: an S3 bucket, in memory (two spellings), or
    another folder."""
    root = f"jiandu-test-{secrets.token_hex(4)}"
    if request.param == "s3":
        import s3fs

        options = s3_options(request.getfixturevalue("s3_endpoint"))
        # The bucket (an administrator makes it once; us-east-1 takes no location).
        s3fs.S3FileSystem(**options).call_s3("create_bucket", Bucket=root)
        settings = make_settings(tmp_path / "home", f"s3://{root}/pool", options)
        yield settings
        return
    url = {
        "memory": f"memory://{root}/pool",
        "object": f"jdobj://{root}/pool",
        "file": (tmp_path / "share" / "pool").as_uri(),
    }[request.param]
    settings = make_settings(tmp_path / "home", url)
    yield settings
    if request.param == "memory":
        MemoryFileSystem().rm(f"/{root}", recursive=True)
    elif request.param == "object":
        ObjectStoreDouble().rm(root, recursive=True)


def pool_entries(settings: Settings) -> list[str]:
    """Every file under the pool root, relative to it."""
    storage = pool_storage(settings)
    if isinstance(storage, LocalPool):
        return sorted(p.relative_to(storage.root).as_posix() for p in storage.root.rglob("*.*"))
    assert isinstance(storage, RemotePool)
    found = storage.fs.find(storage.root)
    return sorted(str(p).removeprefix(storage.root + "/") for p in found)


def test_default_pool_is_jiandu_home_pool_with_plain_paths(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "home")
    batch = import_file(settings, "death_record", write_csv(tmp_path / "d.csv", [
        ["身份证号", "死亡日期"], [ID_A, "2023-03-15"]
    ]))  # fmt: skip

    files = layout.data_files(settings, [layout.batch_path("death_record", batch)])

    assert files == [str(p) for p in sorted(settings.pool_dir.glob(f"death_record/{batch}/*"))]
    assert files and all(Path(f).is_file() for f in files)


def test_an_import_lands_in_the_pool_url_and_the_snapshot_lists_it(
    shared: Settings, tmp_path: Path
) -> None:
    batches = import_pension_pool(shared, tmp_path / "sources")

    entries = pool_entries(shared)
    batch = batches["pension_payment"]
    assert [e for e in entries if e.startswith(f"pension_payment/{batch}/")]
    assert all(e.endswith(".parquet") for e in entries)
    assert not list((shared.home / "pool").rglob("*.parquet"))  # nothing at the default
    snapshot = pool_snapshot(open_workspace(shared))
    assert snapshot.batches == {k: [v] for k, v in batches.items()}
    storage = pool_storage(shared)
    assert snapshot.files["pension_payment"] == storage.batch_files(f"pool/pension_payment/{batch}")
    first = snapshot.files["pension_payment"][0]
    spelled = {"memory": "memory:///jiandu-test-", "jdobj": "jdobj://jiandu-test-",
               "s3": "s3://jiandu-test-"}  # fmt: skip
    assert first.startswith(spelled.get(shared.pool_url.split(":")[0], str(shared.home.parent)))
    where, filesystem = arrow_location(first)
    assert "id_card" in pq.read_schema(where, filesystem=filesystem).names


def model_hits(settings: Settings, folder: Path) -> list[tuple[Any, ...]]:
    """pension_after_death's hits over the pension pool imported into `settings`."""
    import_pension_pool(settings, folder)
    workspace = open_workspace(settings)
    with session_scope(workspace.engine) as session:
        model = get_model(session, "pension_after_death")
    record = run_model(workspace, model, as_of=date(2024, 6, 30))
    assert record.status == "succeeded"
    return duckdb.execute(
        "SELECT subject_key, months, total_amount FROM read_parquet(?) ORDER BY 1",
        [str(settings.home / str(record.hits_path))],
    ).fetchall()


@pytest.fixture(scope="module")
def local_hits(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Any, ...]]:
    """The same model over the same files in the default local pool, run once."""
    folder = tmp_path_factory.mktemp("local")
    return model_hits(make_settings(folder / "home"), folder / "sources")


def test_a_model_finds_the_same_hits_on_shared_storage_as_on_the_local_pool(
    shared: Settings, tmp_path: Path, local_hits: list[tuple[Any, ...]]
) -> None:
    assert [row[:2] for row in local_hits] == [(ID_A, 3), (ID_D, 2)]
    assert model_hits(shared, tmp_path / "sources") == local_hits


def _half_then(fail: bool) -> Any:
    """A put_file that writes half of the file, then drops the connection (or not)."""

    def put_file(self: MemoryFileSystem, lpath: str, rpath: str, **_kwargs: Any) -> None:
        data = Path(lpath).read_bytes()
        self.pipe_file(rpath, data[: len(data) // 2])
        if fail:
            raise ConnectionResetError("connection reset by peer")

    return put_file


@pytest.mark.parametrize("fail", [True, False], ids=["dropped", "truncated"])
def test_an_upload_that_fails_halfway_commits_no_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fail: bool
) -> None:
    root = f"jiandu-test-{secrets.token_hex(4)}"
    settings = make_settings(tmp_path / "home", f"memory://{root}/pool")
    deaths = write_csv(tmp_path / "d.csv", [["身份证号", "死亡日期"], [ID_A, "2023-03-15"]])
    try:
        with monkeypatch.context() as patch:
            patch.setattr(MemoryFileSystem, "put_file", _half_then(fail))
            with pytest.raises(PoolStorageError, match="nothing was committed"):
                import_file(settings, "death_record", deaths)

        assert pool_entries(settings) == []
        assert not list(settings.staging_dir.iterdir())
        with session_scope(make_engine(settings)) as session:
            rows = pool_catalog.list_batches(session, "death_record")
            assert [row.status for row in rows] == ["failed"]
            assert pool_catalog.committed_batch_paths(session, "death_record") == []
        # Once the storage answers again the same file imports (the failure blocked nothing).
        batch = import_file(settings, "death_record", deaths)
        assert pool_snapshot(open_workspace(settings)).batches == {"death_record": [batch]}
    finally:
        MemoryFileSystem().rm(f"/{root}", recursive=True)


def test_sweep_removes_debris_and_keeps_committed_batches(shared: Settings, tmp_path: Path) -> None:
    batches = import_pension_pool(shared, tmp_path / "sources")
    buffer = io.BytesIO()
    pq.write_table(pa.table({"id_card": [ID_B]}), buffer)
    debris = "pool/death_record/20240101T000000-crashed"
    storage = pool_storage(shared)
    if isinstance(storage, RemotePool):
        storage.fs.pipe_file(f"{storage.batch_url(debris)}/part-0.parquet", buffer.getvalue())
    else:
        Path(storage.batch_url(debris)).mkdir(parents=True)
        (Path(storage.batch_url(debris)) / "part-0.parquet").write_bytes(buffer.getvalue())
    assert storage.batch_files(debris)
    (shared.staging_dir / "leftover").mkdir()

    report = init_workspace(shared)

    assert report.swept == 2
    assert storage.batch_files(debris) == []
    assert not list(shared.staging_dir.iterdir())
    kept = {e.split("/")[1] for e in pool_entries(shared)}
    assert kept == set(batches.values())


def test_the_sandbox_reads_exactly_the_allowed_urls_of_a_registered_filesystem(
    tmp_path: Path,
) -> None:
    root = f"jiandu-test-{secrets.token_hex(4)}"
    settings = make_settings(tmp_path / "home", f"memory://{root}/pool")
    storage = pool_storage(settings)
    assert isinstance(storage, RemotePool)
    buffer = io.BytesIO()
    pq.write_table(pa.table({"n": [1, 2, 3]}), buffer)
    for name in ("pool/d/b1", "pool/d/b2"):
        storage.fs.pipe_file(f"{storage.batch_url(name)}/part-0.parquet", buffer.getvalue())
    allowed, other = storage.batch_files("pool/d/b1")[0], storage.batch_files("pool/d/b2")[0]
    local = tmp_path / "local.parquet"
    pq.write_table(pa.table({"n": [4]}), local)
    con = sandboxed_duckdb({"t": [allowed]})
    try:
        assert con.execute("SELECT sum(n) FROM t").fetchone() == (6,)
        for refused in (other, str(local), f"memory:///{root}/pool/d/*/*.parquet"):
            with pytest.raises(duckdb.PermissionException):
                con.execute("SELECT * FROM read_parquet(?)", [refused]).fetchall()
        with pytest.raises(duckdb.Error):
            con.execute("SET enable_external_access = true")
    finally:
        con.close()
        MemoryFileSystem().rm(f"/{root}", recursive=True)


def test_pool_settings_are_read_and_bad_ones_refused_with_a_reason(tmp_path: Path) -> None:
    env = {"JIANDU_HOME": str(tmp_path), "JIANDU_POOL_URL": "memory://p/pool"}
    settings = load_settings({**env, "JIANDU_POOL_OPTIONS": '{"skip_instance_cache": false}'})
    assert (settings.pool_url, dict(settings.pool_options)) == (
        "memory://p/pool",
        {"skip_instance_cache": False},
    )
    assert isinstance(pool_storage(settings), RemotePool)
    with pytest.raises(ConfigError, match="JSON object"):
        load_settings({**env, "JIANDU_POOL_OPTIONS": "[1]"})
    with pytest.raises(ConfigError, match="cannot open this storage"):
        pool_storage(load_settings({**env, "JIANDU_POOL_URL": "nosuch://x/pool"}))
    mount = tmp_path / "共享 盘" / "pool"
    shared = load_settings({**env, "JIANDU_POOL_URL": mount.as_uri()})
    storage = pool_storage(shared)
    assert isinstance(storage, LocalPool) and storage.root == mount.resolve()


def test_s3_without_its_driver_names_the_extra_and_hides_credentials(tmp_path: Path) -> None:
    # s3fs is installed here (dev), so a fresh interpreter is told it is not.
    script = (
        "import sys; sys.modules['s3fs'] = None\n"
        "from jiandu.config import load_settings\n"
        "from jiandu.errors import ConfigError\n"
        "from jiandu.pool.storage import pool_storage\n"
        f"settings = load_settings({{'JIANDU_HOME': {str(tmp_path)!r},\n"
        "    'JIANDU_POOL_URL': 's3://key:secret@bucket/pool'})\n"
        "try:\n"
        "    pool_storage(settings)\n"
        "except ConfigError as error:\n"
        "    print(error)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], check=True, capture_output=True, text=True
    )
    assert "jiandu[s3]" in done.stdout
    assert "secret" not in done.stdout


def test_spark_names_pool_files_by_hadoop_urls(tmp_path: Path) -> None:
    local = tmp_path / "pool" / "d" / "b" / "part-0.parquet"
    assert spark_path(str(local)) == local.resolve().as_uri()
    assert spark_path(local.as_uri()) == local.as_uri()
    assert (
        spark_path("s3://bucket/pool/d/b/part-0.parquet") == "s3a://bucket/pool/d/b/part-0.parquet"
    )
    assert spark_path("hdfs://nn:8020/pool/d/b/p.parquet") == "hdfs://nn:8020/pool/d/b/p.parquet"


def test_a_mount_on_another_device_is_committed_by_copy_then_rename(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    staged = tmp_path / "staging" / "b1"
    staged.mkdir(parents=True)
    (staged / "part-0.parquet").write_bytes(b"PAR1")
    pool = LocalPool(tmp_path / "share" / "pool")
    rename = Path.rename

    def cross_device(self: Path, target: Any) -> Path:
        if self == staged:
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        return rename(self, target)

    monkeypatch.setattr(Path, "rename", cross_device)
    pool.commit(staged, "pool/d/b1")

    assert pool.batch_files("pool/d/b1") == [str(pool.root / "d" / "b1" / "part-0.parquet")]
    assert sorted(p.name for p in (pool.root / "d").iterdir()) == ["b1"]  # no partial left
    assert pool.sweep({"pool/d/b1"}) == []
