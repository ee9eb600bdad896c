"""The data folder, checksums, and downloads (via pooch) of the registered datasets.

Resolution of the data folder: an explicit ``data_dir`` argument, else the
``MIMGAN_DATA`` environment variable, else the per-user cache folder
(``platformdirs.user_cache_dir("mimgan")``, e.g. ``~/.cache/mimgan``).
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from ... import DATA_ENV as ENV_VAR
from .registry import DATASETS, RemoteFile, get_spec


class DatasetUnavailableError(RuntimeError):
    """A dataset file is neither in the data folder nor downloadable right now."""


def data_dir(path=None) -> Path:
    """The folder datasets are read from and downloaded to."""
    if path is not None:
        return Path(path).expanduser()
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR]).expanduser()
    import platformdirs
    return Path(platformdirs.user_cache_dir("mimgan"))


def sha256(path, chunk=1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(chunk), b""):
            h.update(block)
    return h.hexdigest()


def file_status(f: RemoteFile, root: Path) -> str:
    """'ok', 'missing' or 'corrupt' (present with the wrong sha256)."""
    p = root / f.relpath
    if not p.exists():
        return "missing"
    return "ok" if sha256(p) == f.sha256 else "corrupt"


def fetch_file(f: RemoteFile, root: Path, url: str | None = None, progress: bool = False) -> Path:
    """Return the local path of ``f``, downloading it (checksum-verified) if absent.

    pooch downloads to a temporary file and moves it into place only after
    the sha256 matches, so an interrupted or corrupt download leaves nothing
    behind.  ``url`` overrides the registry URL (mirrors, tests).
    """
    import pooch
    import requests

    dest = root / f.relpath
    if dest.exists():
        if sha256(dest) == f.sha256:
            return dest
        raise ValueError(f"{dest} exists but its sha256 is {sha256(dest)}, expected {f.sha256}: "
                         "delete it and fetch again")
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        path = pooch.retrieve(url or f.url, known_hash=f"sha256:{f.sha256}", fname=dest.name, path=dest.parent,
                              progressbar=progress)
    except ValueError as exc:  # pooch's checksum mismatch
        raise ValueError(f"checksum mismatch downloading {f.relpath} from {url or f.url}: {exc}") from None
    except (requests.exceptions.RequestException, OSError) as exc:
        raise DatasetUnavailableError(
            f"cannot download {f.relpath} from {url or f.url} ({type(exc).__name__}: {exc}). "
            f"Download it by hand and put it at {dest}, or set {ENV_VAR} to a folder that contains "
            f"{f.relpath} (sha256 {f.sha256}); `mimgan data fetch NAME` retries the download.") from None
    return Path(path)


def fetch(name: str, data_dir_=None, download: bool = True, progress: bool = False) -> list[Path]:
    """Local paths of every file of dataset ``name``; downloads what is missing if ``download``."""
    spec = get_spec(name)
    root = data_dir(data_dir_)
    paths = []
    for f in spec["files"]:
        p = root / f.relpath
        if not p.exists() and not download:
            raise DatasetUnavailableError(
                f"dataset {name!r}: {p} is missing. Run `mimgan data fetch {name}` or set {ENV_VAR} to a folder "
                f"containing {f.relpath}")
        paths.append(fetch_file(f, root, progress=progress))
    return paths


def verify(data_dir_=None) -> dict:
    """{relpath: status} for every registered file in the data folder."""
    root = data_dir(data_dir_)
    return {f.relpath: file_status(f, root) for spec in DATASETS.values() for f in spec["files"]}
