"""Start the app: bind, print the URL with its token, open the browser, serve until Ctrl-C."""

from __future__ import annotations

import errno
import socket
import sys
import threading
from pathlib import Path

from textanalyse.errors import UserError

DEFAULT_PORT = 8765
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
ANY_HOSTS = ("0.0.0.0", "::", "")


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port`` (``port`` 0: a free port chosen by the system)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        if error.errno == errno.EADDRINUSE:
            raise UserError(f"port {port} is in use; choose another with --port N, or --port 0 for a free one") from None
        raise UserError(f"cannot listen on {host}:{port} ({error.strerror}); check --host and --port") from None
    sock.listen(64)
    sock.set_inheritable(True)
    return sock


def url_host(host: str) -> str:
    if host in ANY_HOSTS:
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host


def serve(project_folder, *, host: str = "127.0.0.1", port: int = DEFAULT_PORT, open_browser: bool = True,
          cache_dir: str | None = None, out=None, err=None) -> None:
    """Serve the app for ``project_folder`` until interrupted.

    The first line on ``out`` is the full URL with the access token. A host other than the
    loopback address gets a warning on ``err``: then anyone on the network who learns the
    token can read the answers.
    """
    import uvicorn

    from textanalyse.app import create_app
    from textanalyse.app.security import LOOPBACK_NAMES, new_token

    out, err = out or sys.stdout, err or sys.stderr
    folder = Path(project_folder).expanduser()
    if folder.exists() and not folder.is_dir():
        raise UserError(f"{folder}: is a file; give a project folder (it may be new or empty)")
    if not folder.exists():
        if not folder.parent.is_dir():
            raise UserError(f"{folder}: its parent folder does not exist; create it first or choose another folder")
        folder.mkdir(mode=0o700)
    sock = bind(host, port)
    real_port = sock.getsockname()[1]
    if host in LOOPBACK_HOSTS:
        hosts = LOOPBACK_NAMES
    elif host in ANY_HOSTS:
        hosts = LOOPBACK_NAMES + (socket.gethostname(), socket.getfqdn(), *_addresses())
    else:
        hosts = LOOPBACK_NAMES + (url_host(host),)
    token = new_token()
    app = create_app(folder, token=token, port=real_port, hosts=hosts, cache_dir=cache_dir)
    url = f"http://{url_host(host)}:{real_port}/?token={token}"
    print(url, file=out, flush=True)
    if host not in LOOPBACK_HOSTS:
        print(f"warning: listening on {host}, not only on this machine: anyone on the network who gets the "
              "address with its token can read the answers; use --host 127.0.0.1 unless you must", file=err, flush=True)
    print(f"textanalyse app: project folder {folder.resolve()}; stop with Ctrl-C", file=err, flush=True)
    if open_browser:
        import webbrowser

        threading.Timer(0.5, lambda: webbrowser.open(url)).start()
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off", server_header=False,
                            date_header=False, proxy_headers=False)
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn re-raises Ctrl-C after its clean shutdown: stopping is the normal end
        pass
    finally:
        sock.close()
        app.app.state.charts.close()   # uvicorn runs without lifespan events: stop the drawing process here
    print("textanalyse app stopped", file=err, flush=True)


def _addresses() -> tuple[str, ...]:
    try:
        return tuple({info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None)})
    except OSError:
        return ()
