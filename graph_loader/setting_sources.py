"""Where settings come from: ``lamcoop.toml``, ``LAMCOOP_*`` variables and the command line,
each value with the place it came from (:func:`layers`); :mod:`graph_loader.settings`
resolves them.

>>> list(layers(None, {"LAMCOOP_PORT": "9000"}, {"port": "9001"}, {"port": "LAMCOOP_PORT"}))
[('port', '9000', 'environment (LAMCOOP_PORT)'), ('port', '9001', 'command line')]
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from graph_loader.bounded import place

CONFIG_FILE_NAME = "lamcoop.toml"


class SettingsError(ValueError):
    """A setting has a value that cannot be used; the message names it and its source."""


def layers(
    config_file: Path | str | None,
    environ: Mapping[str, str],
    overrides: Mapping[str, Any],
    env_names: Mapping[str, str],
) -> Iterator[tuple[str, Any, str]]:
    """Every value given, lowest precedence first, as (setting, raw value, where from): the
    config file's, then the environment's (``env_names``: setting -> variable), then the
    command line's (``None``: not given)."""
    if config_file is not None:
        path = Path(config_file)
        explicit = str(config_file) != CONFIG_FILE_NAME
        if path.is_file():
            for name, raw in read_toml(path).items():
                yield name, raw, f"config file {path}"
        elif explicit:
            raise SettingsError(f"config file {path} does not exist")
    for name, variable in env_names.items():
        if variable in environ:
            yield name, environ[variable], f"environment ({variable})"
    for name, raw in overrides.items():
        if raw is not None:
            yield name, raw, "command line"


def read_toml(path: Path) -> dict[str, Any]:
    """The settings of a TOML file: its ``[lamcoop]`` table, or the whole file."""
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"config file {path}: {exc}") from None
    except UnicodeDecodeError as exc:  # TOML is UTF-8
        line, _column = place(exc.object, exc.start)
        raise SettingsError(
            f"config file {path}: line {line}: not UTF-8 text ({exc.reason}); save it as UTF-8"
        ) from None
    section = data.get("lamcoop", data)
    return {key.replace("-", "_"): value for key, value in section.items()}
