"""A real Virtuoso open source 7 (Debian ``virtuoso-opensource``) on 127.0.0.1, for tests.

The instance is a throwaway: a ``virtuoso.ini`` written here puts its database, log and
lock files in a temporary directory, its SQL port and its HTTP port on free loopback ports,
and it runs as a child process (``virtuoso-t +foreground``), not as the system service.
The ``dba`` account keeps Virtuoso's default password ``dba``; it may run SPARQL updates
(through ``/sparql-auth``, digest login), which the anonymous ``/sparql`` refuses.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest
import requests
from requests.auth import HTTPDigestAuth

from tests.servers import HTTP_DEADLINE, RunningServer, end_process, free_port

#: Where Debian's package puts the server and its SQL client.
_BINARIES = ("/usr/bin/virtuoso-t", "/usr/lib/virtuoso-opensource-7/bin/virtuoso-t")
USER, PASSWORD = "dba", "dba"


def virtuoso_binary() -> str:
    """The ``virtuoso-t`` command; skips the test where Virtuoso is not installed."""
    for path in (shutil.which("virtuoso-t"), *_BINARIES):
        if path and Path(path).is_file():
            return path
    pytest.skip(
        "Virtuoso is not installed (Debian package virtuoso-opensource: scripts/system-deps.sh)"
    )


_INI = """[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql}
ServerThreads = 10
CheckpointInterval = 60
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = ., {d}
DefaultIsolation = 2

[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {d}
ServerThreads = 10
MaxClientConnections = 10
EnabledDavVSP = 0
HTTPProxyEnabled = 0

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime = 60
"""

#: Graphs a fresh Virtuoso holds for its own use (its default graph, the union of all,
#: includes them; lamcoop leaves them out, see ``graph_loader.store.remote_http``).
SYSTEM_GRAPHS = (
    "http://www.openlinksw.com/schemas/virtrdf#",
    "http://www.w3.org/ns/ldp#",
    "http://localuriqaserver/sparql",
)


class VirtuosoServer:
    """``virtuoso-t +foreground +configfile DIR/virtuoso.ini`` on two free loopback ports."""

    def __init__(self, location: Path):
        self.location = location
        location.mkdir(parents=True, exist_ok=True)
        self.sql_port, self.port = free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.query_url = self.url + "/sparql"
        self.update_url = self.url + "/sparql-auth"
        self.ini = location / "virtuoso.ini"
        self.ini.write_text(_INI.format(d=location, sql=self.sql_port, http=self.port))
        self.log = location / "out.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.start()

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [virtuoso_binary(), "+foreground", "+configfile", str(self.ini)],
                cwd=self.location,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + HTTP_DEADLINE
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"virtuoso-t exited:\n{self.log.read_text()}")
            try:
                answer = requests.get(self.query_url, params={"query": "ASK {}"}, timeout=5)
                if answer.status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"virtuoso-t did not answer in {HTTP_DEADLINE} s")

    def update(self, text: str) -> None:
        """Run an update as ``dba`` (directly, not through lamcoop)."""
        answer = requests.post(
            self.update_url,
            data={"update": text},
            auth=HTTPDigestAuth(USER, PASSWORD),
            timeout=HTTP_DEADLINE,
        )
        answer.raise_for_status()

    def counts(self) -> dict[str, int]:
        """Every graph but Virtuoso's own with its triple count, asked directly."""
        answer = requests.post(
            self.query_url,
            data={
                "query": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
            },
            headers={"Accept": "application/sparql-results+json"},
            timeout=HTTP_DEADLINE,
        )
        answer.raise_for_status()
        rows = answer.json()["results"]["bindings"]
        found = {row["g"]["value"]: int(row["n"]["value"]) for row in rows}
        return {g: n for g, n in found.items() if g not in SYSTEM_GRAPHS}

    def reset(self) -> None:
        """Drop every graph but Virtuoso's own: a fresh store for the next test."""
        steps = [f"DROP SILENT GRAPH <{g}>" for g in self.counts()]
        if steps:
            self.update(" ;\n".join(steps))

    def kill(self) -> None:
        """Stop the server at once (SIGKILL), as a crash would."""
        end_process(self.process, grace=0, kill=True)

    def stop(self) -> None:
        end_process(self.process, grace=60)


def virtuoso_env(server: VirtuosoServer, state: Path) -> dict[str, str]:
    """The settings that point lamcoop at ``server`` as ``dba`` (one retry)."""
    return {
        "LAMCOOP_STORE": server.query_url,
        "LAMCOOP_STORE_ENGINE": "virtuoso",
        "LAMCOOP_STORE_USER": USER,
        "LAMCOOP_STORE_PASSWORD": PASSWORD,
        "LAMCOOP_STATE_DIR": str(state),
        "LAMCOOP_STORE_RETRIES": "1",
    }


def empty_through(server: RunningServer) -> None:
    """Drop, through lamcoop's server ``server`` over Virtuoso, every graph but Virtuoso's
    own and lamcoop's: what ``DROP ALL`` does on the other stores (on Virtuoso 7.2 it
    answers success and drops nothing, see tests/test_virtuoso_transactions.py)."""
    steps = drops_through(server)
    if steps:
        server.update(steps)


def drops_through(server: RunningServer) -> str:
    """The update text of :func:`empty_through` (``""``: nothing to drop), to send with
    other operations in one request."""
    answer = requests.post(
        server.url + "/sparql",
        data={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=HTTP_DEADLINE,
    )
    answer.raise_for_status()
    found = [row["g"]["value"] for row in answer.json()["results"]["bindings"]]
    mine = [g for g in found if g not in SYSTEM_GRAPHS and not g.startswith("urn:lamcoop:")]
    return " ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in mine)
