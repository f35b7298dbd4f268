"""Settings: declared once, resolved once, with where each value came from.

Precedence, lowest first: the declared default < ``lamcoop.toml`` < ``LAMCOOP_*``
environment variables < command-line flags.

>>> s = resolve_settings(environ={"LAMCOOP_PORT": "9000"}, config_file=None)
>>> s.port, s.origin("port"), s.origin("host")
(9000, 'environment (LAMCOOP_PORT)', 'default')
>>> resolve_settings(environ={}, overrides={"max_rows": "5"}, config_file=None).max_rows
5
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph_loader import graphs

ENV_PREFIX = "LAMCOOP_"
CONFIG_FILE_NAME = "lamcoop.toml"


class SettingsError(ValueError):
    """A setting has a value that cannot be used; the message names it and its source."""


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


SETTINGS: tuple[Setting, ...] = (
    Setting("store", str, "lamcoop-store", "Store location: a directory for the embedded store."),
    Setting("base_iri", str, "https://w3id.org/lamcoop/", "Base IRI of entities and graphs."),
    Setting("host", str, "127.0.0.1", "Address the server listens on."),
    Setting("port", int, 8080, "Port the server listens on."),
    Setting("workers", int, 0, "Server worker processes; 0 sizes them to the machine."),
    Setting("query_timeout", float, 30.0, "Seconds a SPARQL query may run before it is stopped."),
    Setting("max_rows", int, 10000, "Most rows a SELECT returns; 0 means no cap."),
    Setting(
        "update_token", str, "", "Bearer token for updates; empty keeps the service read-only."
    ),
    Setting("max_body_bytes", int, 10 * 1024 * 1024, "Largest request body the server accepts."),
    Setting(
        "service_allowlist",
        tuple,
        (),
        "IRIs (or prefixes) that SERVICE, LOAD and FROM may name; comma-separated.",
    ),
    Setting("dump_dir", str, "", "Where dumps are written; empty means beside the store."),
    Setting(
        "cors_origins",
        tuple,
        ("*",),
        "Origins allowed to read the service from a browser (CORS); '*' for any, empty for none.",
    ),
)

SETTINGS_BY_NAME: Mapping[str, Setting] = {s.name: s for s in SETTINGS}


@dataclass(frozen=True)
class Settings:
    """Resolved settings: attribute access to values, ``origin()`` for their source."""

    values: Mapping[str, Any]
    origins: Mapping[str, str]

    def __getattr__(self, name: str) -> Any:
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None

    def origin(self, name: str) -> str:
        return self.origins[name]

    @property
    def store_path(self) -> Path:
        return Path(self.values["store"]).expanduser()

    @property
    def dump_path(self) -> Path:
        chosen = self.values["dump_dir"]
        return Path(chosen).expanduser() if chosen else self.store_path.parent / "dumps"

    def graph_iri(self, name: str) -> str:
        """The IRI of the named graph ``name`` under the base (see :func:`graphs.graph_iri`)."""
        return graphs.graph_iri(self.values["base_iri"], name)

    def replace(self, **overrides: Any) -> Settings:
        """A copy with some values set from code (origin 'argument')."""
        values = dict(self.values)
        origins = dict(self.origins)
        for name, raw in overrides.items():
            values[name] = SETTINGS_BY_NAME[name].parse(raw, "argument")
            origins[name] = "argument"
        return Settings(values, origins)


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
    for name, raw, source in _layers(config_file, environ, overrides or {}):
        if name not in SETTINGS_BY_NAME:
            raise SettingsError(f"unknown setting {name!r} in {source}")
        values[name] = SETTINGS_BY_NAME[name].parse(raw, source)
        origins[name] = source
    if not values["base_iri"].endswith(("/", "#")):
        raise SettingsError(
            f"setting 'base_iri' from {origins['base_iri']} must end with '/' or '#'"
        )
    return Settings(values, origins)


def _layers(
    config_file: Path | str | None, environ: Mapping[str, str], overrides: Mapping[str, Any]
):
    if config_file is not None:
        path = Path(config_file)
        explicit = str(config_file) != CONFIG_FILE_NAME
        if path.is_file():
            for name, raw in _read_toml(path).items():
                yield name, raw, f"config file {path}"
        elif explicit:
            raise SettingsError(f"config file {path} does not exist")
    for setting in SETTINGS:
        if setting.env_name in environ:
            yield setting.name, environ[setting.env_name], f"environment ({setting.env_name})"
    for name, raw in overrides.items():
        if raw is not None:
            yield name, raw, "command line"


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"config file {path}: {exc}") from None
    section = data.get("lamcoop", data)
    return {key.replace("-", "_"): value for key, value in section.items()}
