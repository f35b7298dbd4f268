"""nginx for the tests, run as the project's shipped configuration (``deploy/nginx/lamcoop.conf``)
directs: in the foreground, its files in the test's directory, its upstream the test's nodes."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import requests

from tests.servers import HTTP_DEADLINE, free_port

CONF = Path(__file__).resolve().parent.parent / "deploy" / "nginx" / "lamcoop.conf"


def nginx_binary() -> str:
    found = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/sbin/nginx") if Path(p).is_file()), None
    )
    if found is None:
        pytest.skip("nginx is absent: scripts/system-deps.sh installs it (Debian package nginx)")
    return found


class Nginx:
    """nginx in the foreground, not root, with its prefix, pid, logs and temporary files in
    ``root``, over the shipped configuration with ``ports`` as its upstream."""

    def __init__(self, root: Path, ports: list[int]):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        root.mkdir(parents=True, exist_ok=True)
        shipped = CONF.read_text(encoding="utf-8")
        servers = "".join(
            f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=10s;\n" for p in ports
        )
        rendered, n = re.subn(r"(?m)^    server 127\.0\.0\.1:\d+ [^\n]*\n", "", shipped)
        assert n >= 1, "the shipped upstream lists its nodes as 'server 127.0.0.1:PORT ...'"
        rendered = rendered.replace(
            "upstream lamcoop_nodes {\n", "upstream lamcoop_nodes {\n" + servers
        )
        rendered = rendered.replace("listen 8080;", f"listen 127.0.0.1:{self.port};")
        cache = "proxy_cache_path /var/cache/nginx/lamcoop "
        assert cache in rendered, "the shipped file keeps its cache in /var/cache/nginx/lamcoop"
        rendered = rendered.replace(cache, f"proxy_cache_path {root / 'cache'} ")
        (root / "lamcoop.conf").write_text(rendered, encoding="utf-8")
        temps = "".join(
            f"    {kind}_temp_path {root / kind};\n"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        # As root, nginx's workers would run as nobody, who cannot enter the test's
        # directories (its cache among them): they run as root here.
        user = "user root;\n" if os.geteuid() == 0 else ""
        (root / "nginx.conf").write_text(
            f"{user}daemon off;\npid {root / 'nginx.pid'};\nerror_log {root / 'error.log'} info;\n"
            f"events {{ worker_connections 256; }}\n"
            f"http {{\n    access_log {root / 'access.log'};\n{temps}"
            f"    include {root / 'lamcoop.conf'};\n}}\n",
            encoding="utf-8",
        )
        self.log = root / "error.log"
        command = [
            nginx_binary(),
            "-p",
            str(root),
            "-c",
            str(root / "nginx.conf"),
            "-e",
            str(self.log),
        ]
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + HTTP_DEADLINE
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx exited: {self.log.read_text(errors='replace')}")
            try:
                requests.get(self.url + "/-/health", timeout=5)
                return
            except requests.RequestException:
                time.sleep(0.1)
        raise RuntimeError("nginx did not answer")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(30)
