"""Settings: declared once, resolved once, with where each value came from.

Precedence, lowest first: the declared default < ``lamcoop.toml`` < ``LAMCOOP_*``
environment variables < command-line flags.

>>> s = resolve_settings(environ={"LAMCOOP_PORT": "9000"}, config_file=None)
>>> s.port, s.origin("port"), s.origin("host")
(9000, 'environment (LAMCOOP_PORT)', 'default')
>>> resolve_settings(environ={}, overrides={"max_rows": "5"}, config_file=None).max_rows
5

Each setting is declared once, as a field of :class:`Settings` with its default and help;
:data:`SETTINGS` is read from those fields:

>>> [s.name for s in SETTINGS][:4]
['store', 'base_iri', 'host', 'port']
>>> port = SETTINGS_BY_NAME["port"]
>>> port.type, port.default, port.env_name
(<class 'int'>, 8080, 'LAMCOOP_PORT')
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, get_origin, get_type_hints
from urllib.parse import urlsplit

from graph_loader import graphs
from graph_loader.setting_sources import CONFIG_FILE_NAME, SettingsError, layers

__all__ = [
    "CONFIG_FILE_NAME",
    "SETTINGS",
    "Setting",
    "Settings",
    "SettingsError",
    "resolve_settings",
]

ENV_PREFIX = "LAMCOOP_"
#: The highest TCP port.
MAX_PORT = 65535


def setting(default: Any, help: str) -> Any:
    """Declare a setting (a field of :class:`Settings`): its default and the help a user
    reads. Its name and type are the field's."""
    return field(default=default, metadata={"help": help})


def machine_query_memory_mb() -> int:
    """The default memory limit of a query process, in MiB: three quarters of the machine's
    RAM shared among one server process per CPU (0, no limit, where the RAM is unknown)."""
    try:
        ram = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError):
        return 0
    return max(256, ram * 3 // 4 // max(1, len(os.sched_getaffinity(0))) // (1024 * 1024))


@dataclass(frozen=True, kw_only=True)
class Settings:
    """Resolved settings, one typed attribute each; ``origin()`` says where a value came from.

    The fields made with :func:`setting` are the one declaration of lamcoop's settings
    (name, type, default, help): :data:`SETTINGS` is read from them.
    """

    store: str = setting(
        "lamcoop-store",
        "Store location: a directory for the embedded store, or the http(s) URL of a remote "
        "store's SPARQL query endpoint (docs/remote-store.md).",
    )
    base_iri: str = setting(graphs.SHIPPED_BASE, "Base IRI of entities and graphs.")
    host: str = setting("127.0.0.1", "Address the server listens on.")
    port: int = setting(8080, "Port the server listens on.")
    workers: int = setting(0, "Server worker processes; 0 sizes them to the machine.")
    query_timeout: float = setting(30.0, "Seconds a SPARQL query may run before it is stopped.")
    query_memory_mb: int = setting(
        machine_query_memory_mb(),
        "MiB of resident memory a server process may reach while it runs a query; past it "
        "the query is answered 503 and the process replaced (served mode only). 0 means no "
        "limit; the default is three quarters of the RAM shared among one process per CPU.",
    )
    max_rows: int = setting(
        0,
        "Most rows a SELECT returns; 0 (the default) means no cap. A cut is stated in the "
        "X-Lamcoop-Truncated header and, in SPARQL JSON and XML, in the result's head.",
    )
    update_token: str = setting("", "Bearer token for updates; empty keeps the service read-only.")
    max_body_bytes: int = setting(10 * 1024 * 1024, "Largest request body the server accepts.")
    service_allowlist: tuple[str, ...] = setting(
        (), "IRIs (or prefixes) that SERVICE, LOAD and FROM may name; comma-separated."
    )
    cache_max_age: int = setting(
        60,
        "Seconds browsers and shared caches may reuse an entity document or the ontology "
        "without asking again (Cache-Control max-age); 0: ask every time.",
    )
    keepalive_seconds: int = setting(
        15,
        "Seconds an idle client connection to the server stays open for its next request "
        "(at least 1); a request still running keeps it open however long it takes.",
    )
    front_cache_mb: int = setting(
        64,
        "MiB of memory the server's front process may hold of entity documents and /id "
        "redirects, answered without a worker until the data changes; 0 turns it off.",
    )
    front_documents: bool = setting(
        True,
        "Let the server's front process make entity documents and /id redirects itself, "
        "one at a time, whenever it is free; the workers make the others. False sends "
        "every one the front has not kept to a worker.",
    )
    network_sandbox: bool = setting(
        True,
        "With an empty service_allowlist, run the server's workers in a sandbox that cannot "
        "open network connections (seccomp; the server refuses to start where it is "
        "unavailable); false serves without it.",
    )
    dump_dir: str = setting("", "Where dumps are written; empty means beside the store.")
    cors_origins: tuple[str, ...] = setting(
        ("*",),
        "Origins allowed to read the service from a browser (CORS); '*' for any, empty for none.",
    )
    java: str = setting(
        "java",
        "Java executable (a name on the PATH or a path) that runs HermiT and Pellet for the "
        "consistency check; where it cannot be run, the check is skipped with a note.",
    )
    consistency_timeout: float = setting(
        300.0,
        "Seconds the consistency check (HermiT, then the explanations) may take in all; past "
        "them the Java process is stopped and the outcome is 'timeout'. 0: no limit.",
    )
    consistency_max_triples: int = setting(
        60_000,
        "Most triples the consistency check sends to HermiT. The ontology and the dataset of "
        "record are sent whole; a user graph past the rest is sent as a sample of its "
        "subjects, and the report says so. 0: no limit (a 40,000-institution registry takes "
        "HermiT minutes).",
    )
    store_engine: str = setting(
        "oxigraph",
        "The engine behind a remote store: oxigraph, virtuoso or generic. It sets the "
        "defaults of store_update, store_graph_store and store_auth.",
    )
    store_update: str = setting(
        "",
        "A remote store's SPARQL update endpoint; empty: the engine's default (oxigraph: "
        "/update beside /query; virtuoso: /sparql-auth; generic: the query endpoint).",
    )
    store_graph_store: str = setting(
        "",
        "A remote store's Graph Store endpoint; empty: the engine's default (oxigraph: "
        "/store beside /query; virtuoso: /sparql-graph-crud-auth; generic: none, give it).",
    )
    store_user: str = setting("", "User name for a remote store's endpoints; empty: none.")
    store_password: str = setting("", "Password for a remote store's endpoints.")
    store_auth: str = setting(
        "",
        "How a remote store checks store_user: digest or basic; empty: the engine's default "
        "(digest for virtuoso, basic otherwise).",
    )
    store_timeout: float = setting(
        600.0,
        "Seconds lamcoop waits for a remote store to answer one request (a load's upload "
        "included) before giving up.",
    )
    store_retries: int = setting(
        3,
        "Times a request to a remote store is tried again after a connection error, waiting "
        "0.5 s, then twice as long each time.",
    )
    store_lease_seconds: float = setting(
        60.0,
        "With a remote store: seconds after its last heartbeat that a load is taken for "
        "dead. A running load refreshes its markers' heartbeat (the engine's clock) every "
        "quarter of this; a read-write open drops only the staging of loads whose heartbeat "
        "is older (docs/remote-store.md, Loads are atomic).",
    )
    remote_version_check_ms: int = setting(
        250,
        "With a remote store: milliseconds between a server's reads of the store's data "
        "version, so a write through another server or the command line shows within about "
        "this time (docs/remote-store.md, Many web nodes).",
    )
    remote_watch_hang_seconds: float = setting(
        30.0,
        "With a remote store: seconds a server's watcher may go without a check of the "
        "store's version (read or failed) before its keeper ends it and starts another, and "
        "health reports it stale; a catching up is given query_timeout and store_timeout "
        "more (docs/deployment.md, The watcher kept alive).",
    )
    state_dir: str = setting(
        "lamcoop-state",
        "With a remote store: the local directory of what lamcoop keeps beside it (the text "
        "index, the key sealing load markers, dumps unless dump_dir is set).",
    )
    #: Where each value came from, by setting name ('default' when not given).
    origins: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)

    @property
    def values(self) -> dict[str, Any]:
        """Every setting's value, by name, in declaration order."""
        return {s.name: getattr(self, s.name) for s in SETTINGS}

    def origin(self, name: str) -> str:
        """Where the value of the setting ``name`` came from ('default': nowhere)."""
        if name not in SETTINGS_BY_NAME:
            raise KeyError(name)
        return self.origins.get(name, "default")

    @property
    def remote_store(self) -> bool:
        """Whether the store is a remote SPARQL endpoint (an http(s) URL), not a directory.

        >>> Settings(store="http://127.0.0.1:7878/query").remote_store
        True
        """
        return self.store.lower().startswith(("http://", "https://"))

    @property
    def store_path(self) -> Path:
        """The store's directory, absolute (a relative setting is read from the working
        directory, so a server's routes find it whatever their own root); for a remote
        store, the local state directory."""
        chosen = self.state_dir if self.remote_store else self.store
        return Path(chosen).expanduser().absolute()

    @property
    def dump_path(self) -> Path:
        """Where dumps go, absolute: the setting, or ``dumps`` beside the store (inside the
        state directory for a remote store)."""
        chosen = self.dump_dir
        if chosen:
            return Path(chosen).expanduser().absolute()
        return self.store_path / "dumps" if self.remote_store else self.store_path.parent / "dumps"

    def graph_iri(self, name: str) -> str:
        """The IRI of the named graph ``name`` under the base (see :func:`graphs.graph_iri`)."""
        return graphs.graph_iri(self.base_iri, name)

    def replace(self, **overrides: Any) -> Settings:
        """A copy with some values set from code (origin 'argument')."""
        values = {
            name: SETTINGS_BY_NAME[name].parse(raw, "argument") for name, raw in overrides.items()
        }
        origins = {**self.origins, **dict.fromkeys(overrides, "argument")}
        return dataclasses.replace(self, **values, origins=origins)


@dataclass(frozen=True)
class Setting:
    """One declared setting: its name, type, default and the help a user reads."""

    name: str
    type: type
    default: Any
    help: str

    @property
    def env_name(self) -> str:
        return ENV_PREFIX + self.name.upper()

    def parse(self, raw: Any, source: str) -> Any:
        """Convert a raw value (text from the environment, or a TOML value) to the type."""
        try:
            return _convert(self.type, raw)
        except (TypeError, ValueError) as exc:
            raise SettingsError(
                f"setting {self.name!r} from {source}: cannot read {raw!r} as "
                f"{self.type.__name__}: {exc}"
            ) from None


def _convert(kind: type, raw: Any) -> Any:
    if kind is bool:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in {"1", "true", "yes", "on"}:
            return True
        if text in {"0", "false", "no", "off", ""}:
            return False
        raise ValueError("expected true or false")
    if kind is tuple:
        if isinstance(raw, list | tuple):
            return tuple(str(item) for item in raw)
        return tuple(item.strip() for item in str(raw).split(",") if item.strip())
    if kind is int and isinstance(raw, float):
        raise ValueError("expected a whole number")
    value = kind(raw)
    if kind in (int, float) and value < 0:
        raise ValueError("must not be negative")
    return value


def _declared() -> tuple[Setting, ...]:
    """The settings the fields of :class:`Settings` declare; a field's type is its class
    (``tuple[str, ...]`` is read as ``tuple``)."""
    hints = get_type_hints(Settings)
    return tuple(
        Setting(f.name, get_origin(hints[f.name]) or hints[f.name], f.default, f.metadata["help"])
        for f in dataclasses.fields(Settings)
        if "help" in f.metadata
    )


SETTINGS: tuple[Setting, ...] = _declared()

SETTINGS_BY_NAME: Mapping[str, Setting] = MappingProxyType({s.name: s for s in SETTINGS})


def resolve_settings(
    *,
    config_file: Path | str | None = CONFIG_FILE_NAME,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """Resolve every setting once: defaults < config file < environment < overrides.

    ``config_file`` is read when it exists (a path given explicitly must exist);
    ``overrides`` are command-line values, ``None`` meaning "not given".
    """
    environ = os.environ if environ is None else environ
    values = {s.name: s.default for s in SETTINGS}
    origins = dict.fromkeys(values, "default")
    env_names = {declared.name: declared.env_name for declared in SETTINGS}
    for name, raw, source in layers(config_file, environ, overrides or {}, env_names):
        if name not in SETTINGS_BY_NAME:
            raise SettingsError(f"unknown setting {name!r} in {source}")
        values[name] = SETTINGS_BY_NAME[name].parse(raw, source)
        origins[name] = source
    if not values["base_iri"].endswith(("/", "#")):
        raise SettingsError(
            f"setting 'base_iri' from {origins['base_iri']} must end with '/' or '#'"
        )
    _check_store(values["store"], origins["store"])
    if values["port"] > MAX_PORT:
        raise SettingsError(f"setting 'port' from {origins['port']} must be 0 to {MAX_PORT}")
    return Settings(**values, origins=origins)


def _check_store(store: str, origin: str) -> None:
    """A store that is a URL must be an http(s) one with a host (a mistyped scheme would
    otherwise be taken for a directory and a new, empty store made there).

    >>> _check_store("ftp://example.org/sparql", "default")
    Traceback (most recent call last):
    ...
    graph_loader.setting_sources.SettingsError: setting 'store' from default: \
'ftp://example.org/sparql' is a URL: a store is a directory or an http(s) SPARQL endpoint
    """
    scheme = re.match(r"([A-Za-z][A-Za-z0-9+.-]*)://", store)
    if scheme is None:
        return
    where = f"setting 'store' from {origin}: {store!r}"
    if scheme.group(1).lower() not in ("http", "https"):
        raise SettingsError(
            f"{where} is a URL: a store is a directory or an http(s) SPARQL endpoint"
        )
    try:
        parts = urlsplit(store)
        host, _port = parts.hostname, parts.port  # a port past 65535 is a ValueError
    except ValueError as exc:
        raise SettingsError(f"{where} is not a URL lamcoop can read: {exc}") from None
    if not host:
        raise SettingsError(f"{where} names no host")
