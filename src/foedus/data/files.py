"""Where data files live, and getting them there: data dir, fetch (download), import, status.

Downloads go through pooch (Uieda et al. 2020, "Pooch: A friend to fetch your data files",
*Journal of Open Source Software* 5(45), 1943): the file as published is kept in
``<data dir>/downloads/`` (a second fetch of the same address reads that copy, not the network)
and a file with a published SHA-256 is verified by pooch as it arrives; the files inside an
archive are checked against their published digests here, before anything is stored. ``file://``
addresses (a local copy) are read directly, without a cache.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import tempfile
import urllib.error
import urllib.request
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._errors import FoedusError
from .sources import SOURCES, DataFile, Source

ENV_VAR = "FOEDUS_DATA_DIR"
IMPORT_HINT = ("import a local copy with `foedus data import PATH` (e.g. `foedus data import "
               "../shared/data`), or point `--data-dir` (or $" + ENV_VAR + ") at a folder laid out "
               "like ../shared/data")
HOW_TO_GET = "get the files with `foedus data fetch SOURCE`, or " + IMPORT_HINT


def how_to_get(source_id: str) -> str:
    """How to get one source, for error messages."""
    src = SOURCES.get(source_id)
    if src is not None and src.download:
        return f"get it with `foedus data fetch {source_id}`, or {IMPORT_HINT}"
    url = f" from {src.url}" if src is not None else ""
    return f"download it{url} by hand, then {IMPORT_HINT}"


class MissingDataError(FoedusError):
    """A data file foedus needs is not in the data directory."""


class ChecksumError(FoedusError):
    """A downloaded file does not have the published SHA-256."""


def data_dir(data_dir: str | Path | None = None) -> Path:
    """The data directory: ``data_dir`` > ``$FOEDUS_DATA_DIR`` > the platform cache dir."""
    if data_dir is not None and str(data_dir) != "":
        return Path(data_dir).expanduser()
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("foedus"))


_resolve = data_dir


def source(source_id: str) -> Source:
    """The registered source ``source_id`` (an :class:`UnknownNameError` lists the others)."""
    if source_id not in SOURCES:
        from .._errors import UnknownNameError

        raise UnknownNameError("data source", source_id, SOURCES)
    return SOURCES[source_id]


def _candidates(root: Path, src: Source, f: DataFile) -> list[Path]:
    return [d / name for d in (root / src.folder, root) for name in f.names]


def find_file(source_id: str, data_dir: str | Path | None = None, index: int = 0) -> Path | None:
    """The path of file ``index`` of a source in the data dir, or None when absent.

    Looks in ``<dir>/<folder>/`` then ``<dir>/`` for the publisher's name or any alias.
    """
    src = source(source_id)
    root = _resolve(data_dir)
    for p in _candidates(root, src, src.files[index]):
        if p.is_file():
            return p
    return None


def require_file(source_id: str, data_dir: str | Path | None = None, index: int = 0) -> Path:
    """Like :func:`find_file`, but a missing file is a :class:`MissingDataError` saying how to get it."""
    p = find_file(source_id, data_dir, index)
    if p is None:
        src = source(source_id)
        f = src.files[index]
        raise MissingDataError(
            f"{src.title} {src.version} ({source_id}): {f.name} not found in {_resolve(data_dir)}; "
            + how_to_get(source_id))
    return p


def sha256_file(path: Path) -> str:
    """SHA-256 of a file, hex."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def checksum_status(f: DataFile, digest: str) -> str:
    """How a file's digest compares with what is known of the published file."""
    if f.sha256 is not None:
        return "verified" if digest == f.sha256 else "differs from the published file"
    if f.derived_sha256 is not None and digest == f.derived_sha256:
        return "known derived copy"
    if f.reference_sha256 is not None and digest == f.reference_sha256:
        return "known reference copy"
    return "unverified (no published digest)"


@dataclass
class FileStatus:
    """One file of a source in the data dir."""

    name: str
    path: str | None
    sha256: str | None
    checksum: str

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "path": self.path, "sha256": self.sha256,
                "checksum": self.checksum}


def status(data_dir: str | Path | None = None, *, digests: bool = True) -> list[dict[str, Any]]:
    """For every source: present or not, version, citation, files and checksum status."""
    out: list[dict[str, Any]] = []
    for sid, src in SOURCES.items():
        files: list[FileStatus] = []
        for i, f in enumerate(src.files):
            p = find_file(sid, data_dir, i)
            if p is None:
                files.append(FileStatus(f.name, None, None, "absent"))
                continue
            digest = sha256_file(p) if digests else None
            files.append(FileStatus(p.name, str(p), digest,
                                    checksum_status(f, digest) if digest else "not checked"))
        present = all(fs.path is not None for fs, f in zip(files, src.files, strict=True)
                      if f.required)
        out.append({"id": sid, "title": src.title, "version": src.version, "present": present,
                    "citation": src.citation, "url": src.url, "download": src.download,
                    "files": [fs.to_dict() for fs in files]})
    return out


# --- fetch --------------------------------------------------------------------------------------

Opener = Callable[[str, float], bytes]
USER_AGENT = "foedus (https://pypi.org/project/foedus)"
#: The folder under the data dir where pooch keeps the downloads as published.
DOWNLOADS = "downloads"


def _urlopen(url: str, timeout: float) -> bytes:
    req = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    with urllib.request.urlopen(req, timeout=timeout) as resp:  # http, https or file only
        data: bytes = resp.read()
    return data


def download_cache(data_dir: str | Path | None = None) -> Path:
    """Where pooch keeps the downloads as published (``<data dir>/downloads``)."""
    return _resolve(data_dir) / DOWNLOADS


def _cache_name(source_id: str, address: str) -> str:
    """The cached download's file name: the source, a digest of the address (a mirror is
    another file) and the published name."""
    base = address.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1] or "download"
    return f"{source_id}-{hashlib.sha256(address.encode()).hexdigest()[:10]}-{base}"


def _known_hash(src: Source, address: str) -> str | None:
    """The SHA-256 pooch verifies the download against: the published digest of a source that
    is one plain file (an archive's digests are those of its members, checked after unzipping)."""
    if len(src.files) == 1 and src.files[0].sha256 and not address.lower().endswith(".zip"):
        return f"sha256:{src.files[0].sha256}"
    return None


def _pooch_download(src: Source, address: str, cache: Path, timeout: float) -> Path:
    """Download ``address`` through pooch into ``cache`` (or reuse the copy there); returns the
    cached file. A known digest that does not match raises :class:`ChecksumError`."""
    import pooch
    import requests

    name = _cache_name(src.id, address)
    downloader = pooch.HTTPDownloader(progressbar=False, timeout=timeout,
                                      headers={"User-Agent": USER_AGENT})
    try:
        return Path(pooch.retrieve(address, known_hash=_known_hash(src, address), fname=name,
                                   path=cache, downloader=downloader))
    except requests.exceptions.HTTPError as exc:
        code = exc.response.status_code if exc.response is not None else "?"
        reason = exc.response.reason if exc.response is not None else str(exc)
        raise urllib.error.HTTPError(address, int(code) if code != "?" else 0, reason,
                                     None, None) from None  # type: ignore[arg-type]
    except requests.exceptions.RequestException as exc:
        raise urllib.error.URLError(str(exc)) from None
    except ValueError as exc:
        if "hash" in str(exc).lower():
            raise ChecksumError(f"{src.files[0].name} from {address}: {exc}; nothing was "
                                "stored. The publisher may have changed the file, or the "
                                "download was corrupted.") from None
        raise


#: Bound on what a downloaded archive may expand to, nested archives included (bytes); the
#: largest published file foedus reads (ATOP 5.1 dyad-years) is about 100 MB.
MAX_ARCHIVE_BYTES = 512 << 20
#: Deepest nesting of archives in an archive.
MAX_ARCHIVE_DEPTH = 3


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: list[int]) -> bytes:
    """A member's bytes, read in pieces so that expansion stops at the bound (a member's
    declared size may lie)."""
    out = bytearray()
    with zf.open(info) as fh:
        while chunk := fh.read(1 << 20):
            budget[0] -= len(chunk)
            if budget[0] < 0:
                raise FoedusError(f"expands to more than {MAX_ARCHIVE_BYTES:,} bytes (the "
                                  "bound on an archive's content; see docs/limits.md)")
            out += chunk
    return bytes(out)


def _zip_members(data: bytes, depth: int = 0, budget: list[int] | None = None
                 ) -> dict[str, bytes]:
    """Every file in a zip by base name, descending into nested zips (COW nests them), within
    :data:`MAX_ARCHIVE_BYTES` in all and :data:`MAX_ARCHIVE_DEPTH` levels."""
    budget = [MAX_ARCHIVE_BYTES] if budget is None else budget
    found: dict[str, bytes] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        if sum(i.file_size for i in infos) > budget[0]:
            raise FoedusError(f"expands to more than {MAX_ARCHIVE_BYTES:,} bytes (the bound on "
                              "an archive's content; see docs/limits.md)")
        for info in infos:
            content = _read_member(zf, info, budget)
            base = info.filename.rsplit("/", 1)[-1]
            if base.lower().endswith(".zip") and depth < MAX_ARCHIVE_DEPTH:
                for k, v in _zip_members(content, depth + 1, budget).items():
                    found.setdefault(k, v)
            found.setdefault(base.lower(), content)
    return found


def fetch(source_id: str, *, data_dir: str | Path | None = None, url: str | None = None,
          opener: Opener | None = None, timeout: float = 120.0) -> list[Path]:
    """Download a source from its publisher, verify checksums, unzip, and store it.

    ``url`` overrides the registered download address (a mirror, or a ``file://`` URL). An
    http(s) download goes through pooch and is cached in :func:`download_cache` (a second fetch
    reads the cache); ``opener`` (``(url, timeout) -> bytes``) replaces the download altogether
    (tests, custom transports). Raises :class:`FoedusError` when the download fails,
    :class:`ChecksumError` when a file does not have the published SHA-256 (nothing is stored
    then, and a bad download is not kept in the cache).
    """
    src = source(source_id)
    address = url or src.download
    if address is None:
        raise FoedusError(f"{src.title} {src.version} ({source_id}) has no direct download; get it "
                          f"from {src.url} and run `foedus data import PATH`. {src.note}".strip())
    if not address.startswith(("http://", "https://", "file://")):
        raise FoedusError(f"{address}: only http, https and file URLs can be fetched")
    cached: Path | None = None
    try:
        if opener is not None or address.startswith("file://"):
            data = (opener or _urlopen)(address, timeout)
        else:
            cached = _pooch_download(src, address, download_cache(data_dir), timeout)
            data = cached.read_bytes()
    except urllib.error.HTTPError as exc:
        raise FoedusError(f"could not download {source_id} from {address}: HTTP {exc.code} "
                          f"{exc.reason}. Try again later, or {IMPORT_HINT}") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise FoedusError(f"could not download {source_id} from {address}: {reason}. Without "
                          f"network access, {IMPORT_HINT}") from None
    if data[:4] == b"PK\x03\x04":
        try:
            members = _zip_members(data)
        except FoedusError as exc:
            raise FoedusError(f"{address}: {exc}") from None
        except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError,
                ValueError, NotImplementedError) as exc:
            raise FoedusError(f"{address}: not a valid zip file, or damaged ({exc})") from None
        contents: dict[str, bytes] = {}
        for f in src.files:
            wanted = [n.lower() for n in (f.member.rsplit("/", 1)[-1] if f.member else f.name,
                                          *f.names)]
            hit = next((members[w] for w in wanted if w in members), None)
            if hit is None:
                raise FoedusError(f"{address}: the zip has no {f.member or f.name}")
            contents[f.name] = hit
    else:
        head = data[:512].lstrip().lower()
        if head.startswith((b"<!doctype html", b"<html")):
            raise FoedusError(f"{address} returned a web page, not the data file; the publisher "
                              f"may have moved it: see {src.url}")
        if len(src.files) != 1:
            raise FoedusError(f"{address}: expected a zip holding {len(src.files)} files")
        contents = {src.files[0].name: data}
    for f in src.files:
        digest = hashlib.sha256(contents[f.name]).hexdigest()
        if f.sha256 is not None and digest != f.sha256:
            if cached is not None:  # a bad download is not kept: the next fetch downloads again
                cached.unlink(missing_ok=True)
            raise ChecksumError(f"{f.name} from {address}: SHA-256 {digest} does not match the "
                                f"published {f.sha256}; nothing was stored. The publisher may "
                                f"have changed the file, or the download was corrupted.")
    target = _resolve(data_dir) / src.folder
    target.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name, content in contents.items():
        dest = target / name
        with tempfile.NamedTemporaryFile(dir=target, delete=False, suffix=".part") as tmp:
            tmp.write(content)
        os.replace(tmp.name, dest)
        written.append(dest)
    return written


# --- import -------------------------------------------------------------------------------------

def import_data(path: str | Path, *, data_dir: str | Path | None = None,
                validate: bool = True) -> list[dict[str, Any]]:
    """Copy the source files found in a local folder (laid out like ../shared/data, or flat)
    into the data dir, after checking each one parses. Returns one record per file found."""
    root = Path(path).expanduser()
    if not root.is_dir():
        raise FoedusError(f"{root}: not a folder")
    dest_root = _resolve(data_dir)
    from .loaders import LOADERS, check_coverage

    records: list[dict[str, Any]] = []
    for sid, src in SOURCES.items():
        for i, f in enumerate(src.files):
            p = next((c for c in _candidates(root, src, f) if c.is_file()), None)
            if p is None:
                continue
            if validate:  # raises InputError naming the file and column
                check_coverage((sid, i), LOADERS[(sid, i)](p), p)
            digest = sha256_file(p)
            dest = dest_root / src.folder / p.name
            if dest.resolve() != p.resolve():
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(p, dest)
            records.append({"source": sid, "file": p.name, "from": str(p), "to": str(dest),
                            "checksum": checksum_status(f, digest)})
    if not records:
        raise MissingDataError(f"{root}: no known data files found (expected a folder laid out "
                               "like ../shared/data, e.g. cow_states/states2016.csv)")
    return records


__all__ = ["DOWNLOADS", "ENV_VAR", "HOW_TO_GET", "IMPORT_HINT", "MAX_ARCHIVE_BYTES",
           "MAX_ARCHIVE_DEPTH", "USER_AGENT", "ChecksumError", "FileStatus", "MissingDataError",
           "Opener", "checksum_status", "data_dir", "download_cache", "fetch", "find_file",
           "how_to_get", "import_data", "require_file", "sha256_file", "source", "status"]
