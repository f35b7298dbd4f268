"""How ``lamcoop serve`` hands its resolved settings to its worker processes.

The settings are resolved once, in the serving command (defaults < file < environment <
command line); the workers, which uWSGI starts, read them back from one environment variable
as JSON, with the origin of each value, once, when they load the app.
"""

from __future__ import annotations

import json
from pathlib import Path

from graph_loader.settings import SETTINGS_BY_NAME, Settings

#: The environment variable ``lamcoop serve`` passes its resolved settings in.
SETTINGS_ENV = "LAMCOOP_SERVE_SETTINGS"


def settings_to_env(settings: Settings, metrics_dir: Path) -> str:
    """The settings (values and origins) and the counters' directory, as JSON."""
    return json.dumps(
        {
            "values": settings.values,
            "origins": dict(settings.origins),
            "metrics_dir": str(metrics_dir),
        }
    )


def settings_from_env(text: str) -> tuple[Settings, Path]:
    """The settings and counters' directory :func:`settings_to_env` wrote.

    >>> from graph_loader.settings import resolve_settings
    >>> s = resolve_settings(environ={}, overrides={"service_allowlist": "http://a/"},
    ...                      config_file=None)
    >>> back, where = settings_from_env(settings_to_env(s, Path("/tmp/m")))
    >>> back.service_allowlist, back.origin("service_allowlist"), where
    (('http://a/',), 'command line', PosixPath('/tmp/m'))
    """
    data = json.loads(text)
    origins = data["origins"]
    values = {
        name: SETTINGS_BY_NAME[name].parse(raw, origins[name])
        for name, raw in data["values"].items()
    }
    return Settings(**values, origins=origins), Path(data["metrics_dir"])
