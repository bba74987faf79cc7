"""Where the pool's batches are stored: a local folder, or a shared filesystem by URL.

`JIANDU_POOL_URL` names the pool's root as an fsspec URL (docs/user/storage.md). The
layout under the root never changes — `<dataset>/<batch>/part-*.parquet` — and the
catalog keeps naming a batch `pool/<dataset>/<batch>` whatever the root, so a pool can
move (or be mirrored) by changing one setting, without rewriting a catalog row.

Two storages behind one interface:

- `LocalPool` for the default JIANDU_HOME/pool and for `file://` URLs (a shared mount):
  plain paths, no fsspec in the way, so DuckDB and pyarrow read the files as they always
  did, and a commit is an atomic rename (a copy then a rename within the target when the
  mount is another device).
- `RemotePool` for every other protocol (`s3://`, `hdfs://`, `memory://` …): files
  are uploaded one by one straight into the batch's folder. Object stores have no atomic
  rename of a folder, and none is needed: the catalog row stays the commit point. A
  folder no committed batch names is debris, ignored by every reader and swept by
  `jiandu init`, exactly as a crash between rename and catalog row leaves locally.

A remote file is named by its canonical URL (`fs.unstrip_protocol`), the spelling DuckDB
reports for files of a registered fsspec filesystem; the sandbox's `allowed_paths` must
list exactly that spelling (see `jiandu.models.sandbox`).
"""

from __future__ import annotations

import errno
import secrets
import shutil
from abc import ABC, abstractmethod
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

import pyarrow.fs as pafs
from fsspec import AbstractFileSystem  # type: ignore[import-untyped, unused-ignore]
from fsspec.core import url_to_fs  # type: ignore[import-untyped, unused-ignore]

from jiandu.config import Settings
from jiandu.errors import ConfigError, JianduError

POOL_PREFIX = "pool"
"""First part of every batch path in the catalog: `pool/<dataset>/<batch>`."""


class PoolStorageError(JianduError):
    """The pool's storage could not take or give back a batch."""


def _inside(batch_path: str) -> PurePosixPath:
    """`<dataset>/<batch>` of a catalog batch path `pool/<dataset>/<batch>`."""
    parts = PurePosixPath(batch_path).parts
    if len(parts) != 3 or parts[0] != POOL_PREFIX or any(p in ("", ".", "..") for p in parts):
        raise ValueError(f"not a pool batch path: {batch_path!r}")
    return PurePosixPath(*parts[1:])


class PoolStorage(ABC):
    """The pool's root: name a batch's folder and files, commit, remove, sweep."""

    url: str
    """The root, as written in messages and the docs (no credentials: options hold them)."""

    @property
    def filesystem(self) -> AbstractFileSystem | None:
        """The fsspec filesystem engines must register to read the files; None when the
        files are plain local paths."""
        return None

    @abstractmethod
    def prepare(self) -> None:
        """Make the root exist where the storage has folders (a no-op on object stores)."""

    @abstractmethod
    def batch_url(self, batch_path: str) -> str:
        """Where the batch `pool/<dataset>/<batch>` lives: a local path or a URL."""

    @abstractmethod
    def batch_files(self, batch_path: str) -> list[str]:
        """The batch's Parquet files, sorted by name (a stable order for every engine)."""

    @abstractmethod
    def commit(self, staged: Path, batch_path: str) -> None:
        """Put a staged local folder of Parquet files at `batch_path`. The catalog row,
        written after this returns, is what makes the batch visible."""

    @abstractmethod
    def remove(self, batch_path: str) -> None:
        """Delete the batch's folder (nothing happens when it is not there)."""

    @abstractmethod
    def sweep(self, keep: set[str]) -> list[str]:
        """Delete every batch folder whose catalog path is not in `keep`; their URLs."""


class LocalPool(PoolStorage):
    """A pool folder on this machine's file system (the default, or a `file://` mount)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.url = str(root)

    def prepare(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)

    def _folder(self, batch_path: str) -> Path:
        return self.root / _inside(batch_path)

    def batch_url(self, batch_path: str) -> str:
        return str(self._folder(batch_path))

    def batch_files(self, batch_path: str) -> list[str]:
        return [str(p) for p in sorted(self._folder(batch_path).glob("*.parquet"))]

    def commit(self, staged: Path, batch_path: str) -> None:
        target = self._folder(batch_path)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            staged.rename(target)
        except OSError as exc:
            if exc.errno != errno.EXDEV:
                raise
            # A pool on another device (an NFS/CIFS mount): copy beside the target under
            # a name no reader lists, then rename within the mount, which is atomic there.
            partial = target.with_name(f".{target.name}.partial-{secrets.token_hex(4)}")
            try:
                shutil.copytree(staged, partial)
                partial.rename(target)
            except BaseException:
                shutil.rmtree(partial, ignore_errors=True)
                raise

    def remove(self, batch_path: str) -> None:
        shutil.rmtree(self._folder(batch_path), ignore_errors=True)

    def sweep(self, keep: set[str]) -> list[str]:
        removed: list[str] = []
        if not self.root.is_dir():
            return removed
        for dataset in sorted(self.root.iterdir()):
            for batch in sorted(dataset.iterdir()) if dataset.is_dir() else []:
                if f"{POOL_PREFIX}/{dataset.name}/{batch.name}" not in keep:
                    shutil.rmtree(batch, ignore_errors=True)
                    removed.append(str(batch))
        return removed


class RemotePool(PoolStorage):
    """A pool on an fsspec filesystem (S3-compatible, HDFS, memory …), named by URL."""

    def __init__(self, fs: AbstractFileSystem, root: str) -> None:
        self.fs = fs
        self.root = root.rstrip("/")
        self.url = fs.unstrip_protocol(self.root)

    @property
    def filesystem(self) -> AbstractFileSystem:
        return self.fs

    def prepare(self) -> None:
        # Object stores have no folders, and creating one could create a bucket; HDFS
        # creates the parents of a file when the file is written.
        return None

    def _folder(self, batch_path: str) -> str:
        return f"{self.root}/{_inside(batch_path)}"

    def batch_url(self, batch_path: str) -> str:
        return str(self.fs.unstrip_protocol(self._folder(batch_path)))

    def batch_files(self, batch_path: str) -> list[str]:
        folder = self._folder(batch_path)
        # Another server may have committed since this process listed (s3fs caches).
        self.fs.invalidate_cache(folder)
        return [self.fs.unstrip_protocol(p) for p in sorted(self.fs.glob(f"{folder}/*.parquet"))]

    def commit(self, staged: Path, batch_path: str) -> None:
        folder = self._folder(batch_path)
        local = {p.name: p for p in sorted(staged.iterdir()) if p.is_file()}
        try:
            for name, path in local.items():
                self.fs.put_file(str(path), f"{folder}/{name}")
            self.fs.invalidate_cache(folder)
            uploaded = {
                PurePosixPath(entry["name"]).name: entry["size"]
                for entry in self.fs.ls(folder, detail=True)
            }
            if uploaded != {name: path.stat().st_size for name, path in local.items()}:
                raise OSError(f"the upload to {folder} is incomplete")
        except Exception as exc:
            self.remove(batch_path)
            raise PoolStorageError(
                f"批次上传到数据池 {self.url} 失败，未提交；请检查存储的连接与权限后重新导入",
                f"uploading the batch to the pool at {self.url} failed and nothing was "
                "committed; check the storage's connection and permissions, then import again",
            ) from exc

    def remove(self, batch_path: str) -> None:
        folder = self._folder(batch_path)
        try:
            self.fs.rm(folder, recursive=True)
        except FileNotFoundError:
            return
        finally:
            self.fs.invalidate_cache(folder)

    def sweep(self, keep: set[str]) -> list[str]:
        removed: list[str] = []
        self.fs.invalidate_cache(self.root)
        for dataset in self._folders(self.root):
            for batch in self._folders(dataset):
                name = f"{POOL_PREFIX}/{PurePosixPath(dataset).name}/{PurePosixPath(batch).name}"
                if name not in keep:
                    self.remove(name)
                    removed.append(self.batch_url(name))
        return removed

    def _folders(self, path: str) -> list[str]:
        try:
            entries = self.fs.ls(path, detail=True)
        except FileNotFoundError:
            return []
        return sorted(str(e["name"]).rstrip("/") for e in entries if e["type"] == "directory")


# Remote pools opened in this process, by root URL: engines find a file's filesystem
# here (with its options and credentials) when they are handed only the file's URL.
_REMOTE: dict[str, RemotePool] = {}


def pool_storage(settings: Settings) -> PoolStorage:
    """The storage `settings` name: JIANDU_POOL_URL, or the folder JIANDU_HOME/pool."""
    url = settings.pool_url
    if not url:
        return LocalPool(settings.pool_dir)
    parts = urlsplit(url)
    if not parts.scheme or len(parts.scheme) == 1:  # a plain path (or a Windows drive)
        return LocalPool(Path(url).expanduser().resolve())
    if parts.scheme == "file":
        if parts.netloc not in ("", "localhost"):
            raise _bad_url(url, "file:// 地址须为本机路径", "a file:// URL must name a local path")
        return LocalPool(Path(unquote(parts.path)).resolve())
    try:
        fs, root = url_to_fs(url, **dict(settings.pool_options))
    except ImportError as exc:
        raise _bad_url(
            url,
            "缺少该协议的驱动；S3 兼容存储请安装 jiandu[s3]，HDFS 见 docs/user/storage.md",
            "the driver for this protocol is missing; install jiandu[s3] for S3-compatible "
            "storage, see docs/user/storage.md for HDFS",
        ) from exc
    except (ValueError, TypeError, OSError) as exc:
        raise _bad_url(
            url,
            "无法打开该存储（协议、选项或 HDFS 的 libhdfs/Java 环境）",
            "cannot open this storage (its protocol, options, or HDFS's libhdfs/Java setup)",
        ) from exc
    pool = RemotePool(fs, root)
    _REMOTE[pool.url] = pool
    return pool


def _bad_url(url: str, zh: str, en: str) -> ConfigError:
    shown = _without_credentials(url)
    return ConfigError(f"JIANDU_POOL_URL={shown}：{zh}", f"JIANDU_POOL_URL={shown}: {en}")


def _without_credentials(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None and parts.username is None:
        return url
    host = parts.hostname or ""
    return parts._replace(netloc=f"***@{host}" + (f":{parts.port}" if parts.port else "")).geturl()


def is_remote(path: str) -> bool:
    """Whether a pool file is named by a URL (an fsspec filesystem) rather than a path."""
    scheme = urlsplit(path).scheme
    return len(scheme) > 1 and scheme != "file"


def filesystem_for(url: str) -> AbstractFileSystem:
    """The filesystem of a remote pool file: its pool's, when this process opened that
    pool (with its options), else the protocol's default instance."""
    for root, pool in _REMOTE.items():
        if url == root or url.startswith(root.rstrip("/") + "/"):
            return pool.fs
    fs: AbstractFileSystem = url_to_fs(url)[0]
    return fs


def filesystems_for(paths: Iterable[str]) -> list[AbstractFileSystem]:
    """One filesystem per protocol among `paths` (DuckDB registers one per protocol);
    empty when every path is local."""
    found: dict[str, AbstractFileSystem] = {}
    for path in paths:
        if is_remote(path):
            protocol = urlsplit(path).scheme
            if protocol not in found:
                found[protocol] = filesystem_for(path)
    return list(found.values())


def arrow_location(path: str) -> tuple[str, pafs.FileSystem | None]:
    """(path, filesystem) for pyarrow's readers: a local path as it is, a URL as the
    path inside its filesystem, wrapped for pyarrow."""
    if not is_remote(path):
        return path, None
    fs = filesystem_for(path)
    handler = pafs.PyFileSystem(pafs.FSSpecHandler(fs))
    return str(fs._strip_protocol(path)), handler


def spark_path(path: str) -> str:
    """A pool file as Spark (Hadoop's filesystems) names it: a local path as a `file://`
    URI (a bare path would resolve against the cluster's default filesystem, often HDFS),
    `s3://` as `s3a://` (hadoop-aws's connector, on the cluster's classpath), anything
    else as it is."""
    if not is_remote(path):
        return path if path.startswith("file:") else Path(path).resolve().as_uri()
    scheme, _, rest = path.partition("://")
    return f"s3a://{rest}" if scheme == "s3" else path
