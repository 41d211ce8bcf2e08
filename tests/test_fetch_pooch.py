"""Downloads through pooch: verified against the published SHA-256, cached in the data dir's
``downloads`` folder, bad downloads not kept; served by a local HTTP server (no internet)."""

from __future__ import annotations

import hashlib
import io
import threading
import zipfile
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

import foedus
from foedus.cli import main
from foedus.data import SOURCES
from foedus.data.files import ChecksumError, download_cache, fetch


class Server:
    """A local HTTP server over a folder that counts the requests it answers."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.requests: list[str] = []
        outer = self

        class Handler(SimpleHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.requests.append(self.path)
                super().do_GET()

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=str(root)))
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/{name}"


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[Server]:
    root = tmp_path / "www"
    root.mkdir()
    s = Server(root)
    yield s
    s.httpd.shutdown()
    s.httpd.server_close()


def test_download_is_verified_cached_and_read_from_the_cache(server: Server, tmp_path: Path,
                                                             shared_data: Path) -> None:
    (server.root / "states2016.csv").write_bytes((shared_data / "cow_states" / "states2016.csv")
                                                 .read_bytes())
    dest = tmp_path / "d"
    got = fetch("cow-states", data_dir=dest, url=server.url("states2016.csv"))
    assert got == [dest / "cow_states" / "states2016.csv"]
    assert hashlib.sha256(got[0].read_bytes()).hexdigest() == SOURCES["cow-states"].files[0].sha256
    cached = list(download_cache(dest).iterdir())
    assert len(cached) == 1 and cached[0].name.endswith("states2016.csv")
    assert len(server.requests) == 1
    got[0].unlink()
    again = fetch("cow-states", data_dir=dest, url=server.url("states2016.csv"))
    assert again[0].is_file() and len(server.requests) == 1  # from pooch's cache


def test_a_wrong_download_is_refused_and_not_kept(server: Server, tmp_path: Path) -> None:
    (server.root / "states2016.csv").write_text("stateabb,ccode\nUSA,2\n")
    dest = tmp_path / "d"
    with pytest.raises(ChecksumError, match=r"states2016\.csv"):
        fetch("cow-states", data_dir=dest, url=server.url("states2016.csv"))
    assert not (dest / "cow_states" / "states2016.csv").exists()
    assert not any(download_cache(dest).glob("*states2016.csv"))
    result = CliRunner().invoke(main, ["data", "fetch", "cow-states", "--url",
                                       server.url("states2016.csv"), "--data-dir", str(dest)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "nothing was stored" in " ".join(result.output.split())


def test_an_archive_is_cached_and_its_members_checked(server: Server, tmp_path: Path,
                                                       shared_data: Path) -> None:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as z:
        z.write(shared_data / "cow_nmc" / "NMC-60-abridged.csv", "NMC-60-abridged.csv")
    with zipfile.ZipFile(server.root / "NMC_Documentation-6.0.zip", "w") as z:
        z.writestr("NMC_Documentation-6.0/NMC-60-abridged.zip", inner.getvalue())
    dest = tmp_path / "d"
    got = fetch("cow-nmc", data_dir=dest, url=server.url("NMC_Documentation-6.0.zip"))
    assert hashlib.sha256(got[0].read_bytes()).hexdigest() == SOURCES["cow-nmc"].files[0].sha256
    assert any(download_cache(dest).glob("cow-nmc-*NMC_Documentation-6.0.zip"))
    # a damaged archive: the member's digest is wrong, and the cached archive is dropped
    with zipfile.ZipFile(server.root / "bad.zip", "w") as z:
        z.writestr("NMC-60-abridged.csv", "ccode,year\n2,1900\n")
    with pytest.raises(ChecksumError, match="does not match"):
        fetch("cow-nmc", data_dir=tmp_path / "e", url=server.url("bad.zip"))
    assert not any(download_cache(tmp_path / "e").glob("*bad.zip"))


def test_http_errors_are_clear(server: Server, tmp_path: Path) -> None:
    with pytest.raises(foedus.FoedusError, match=r"HTTP 404.*foedus data import"):
        fetch("cow-war", data_dir=tmp_path, url=server.url("missing.csv"))
    server.httpd.shutdown()
    server.httpd.server_close()
    with pytest.raises(foedus.FoedusError, match=r"could not download cow-war"):
        fetch("cow-war", data_dir=tmp_path, url=server.url("gone.csv"), timeout=2)
