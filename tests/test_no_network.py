"""The whole example analysis runs offline: sensitive material never needs (or touches) the network.

Sockets are disabled in-process; the run forks worker processes only for big corpora, so the
example stays in this process and the patch covers everything it does.
"""

from __future__ import annotations

import re
import socket
import traceback
from pathlib import Path

import pytest
from click.testing import CliRunner

from textanalyse.cli import main

EXAMPLE = Path(__file__).resolve().parents[1] / "corpora" / "eksempel" / "analyse.toml"


@pytest.fixture
def no_network(monkeypatch):
    """Every way to open a connection or look up a name raises; attempts are recorded."""
    attempts = []

    def refuse(what):
        def blocked(*args, **kwargs):
            attempts.append((what, args[:2], "".join(traceback.format_stack(limit=25))))
            raise OSError(f"network disabled in this test ({what})")
        return blocked

    class NoSocket(socket.socket):
        def __init__(self, *args, **kwargs):
            refuse("socket.socket")(*args)

    monkeypatch.setattr(socket, "socket", NoSocket)
    monkeypatch.setattr(socket, "create_connection", refuse("socket.create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("socket.getaddrinfo"))
    return attempts


def test_the_guard_works(no_network):
    with pytest.raises(OSError):
        socket.create_connection(("example.org", 80), timeout=1)
    with pytest.raises(OSError):
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    with pytest.raises(OSError):
        socket.getaddrinfo("example.org", 443)
    assert len(no_network) == 3
    no_network.clear()


def test_full_example_analysis_runs_offline(no_network, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # a cold cache: annotation really runs
    out = tmp_path / "resultater"
    result = CliRunner().invoke(main, ["run", str(EXAMPLE), "--out", str(out), "--set", "annotation.pipeline=fast"])
    assert result.exit_code == 0, result.output
    # Importing spaCy imports urllib3, which probes IPv6 support by creating (never connecting) a
    # socket at import time; that probe is refused and tolerated. Nothing else may try.
    at_runtime = [(what, args) for what, args, stack in no_network
                  if not (what == "socket.socket" and "importlib._bootstrap" in stack)]
    assert at_runtime == [], f"network was attempted: {at_runtime}"
    for name in ("rapport.html", "tabeller.xlsx", "manifest.json"):
        assert (out / name).is_file(), name
    assert any((out / "figurer").iterdir()) and any((out / "tabeller").iterdir())
    # the report is self-contained: opening it must not fetch scripts, styles, fonts or images
    html = (out / "rapport.html").read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html, re.IGNORECASE)
    assert not re.search(r"""(@import|url\()\s*["']?(https?:)?//""", html, re.IGNORECASE)
