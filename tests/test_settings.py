"""Settings: defaults < lamcoop.toml < LAMCOOP_* < command line; clear errors for bad values."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import get_origin, get_type_hints

import pytest

from graph_loader.settings import SETTINGS, Settings, SettingsError, resolve_settings


def _write_toml(path, text: str):
    path.write_text(text, encoding="utf-8")
    return path


def test_every_declared_setting_has_type_default_and_help():
    names = [s.name for s in SETTINGS]
    assert len(names) == len(set(names))
    for required in ("store", "base_iri", "host", "port", "query_timeout", "max_rows"):
        assert required in names
    assert "update_token" in names
    for setting in SETTINGS:
        assert setting.help.strip()
        assert isinstance(setting.default, setting.type)
        assert setting.env_name == "LAMCOOP_" + setting.name.upper()


def test_each_declared_setting_is_a_typed_attribute_of_its_declared_type():
    hints = get_type_hints(Settings)
    fields = {f.name: f for f in dataclasses.fields(Settings)}
    s = resolve_settings(config_file=None, environ={})
    for setting in SETTINGS:
        assert (get_origin(hints[setting.name]) or hints[setting.name]) is setting.type
        assert fields[setting.name].metadata["help"] == setting.help
        assert isinstance(getattr(s, setting.name), setting.type)
    assert [f for f in fields if "help" in fields[f].metadata] == [s.name for s in SETTINGS]
    assert hints["service_allowlist"] == tuple[str, ...]
    assert isinstance(s.store_path, Path) and isinstance(s.dump_path, Path)


def test_settings_are_frozen_and_replace_parses_and_records_the_origin():
    s = resolve_settings(config_file=None, environ={})
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.__setattr__("port", 1)
    changed = s.replace(port="9001", cors_origins="http://a.example")
    assert (changed.port, changed.origin("port")) == (9001, "argument")
    assert changed.cors_origins == ("http://a.example",)
    assert (s.port, s.origin("port")) == (8080, "default")
    assert changed.graph_iri("x") == "https://w3id.org/lamcoop/graph/x"
    with pytest.raises(KeyError):
        s.origin("no_such_setting")


def test_defaults_apply_without_file_or_environment():
    s = resolve_settings(config_file=None, environ={})
    assert s.base_iri == "https://w3id.org/lamcoop/"
    assert s.port == 8080
    assert all(s.origin(setting.name) == "default" for setting in SETTINGS)


def test_precedence_for_several_types(tmp_path):
    toml = _write_toml(
        tmp_path / "lamcoop.toml",
        'port = 7000\nquery_timeout = 5.5\nmax_rows = 10\nhost = "0.0.0.0"\n'
        'service_allowlist = ["http://a/", "http://b/"]\n',
    )
    environ = {"LAMCOOP_PORT": "7100", "LAMCOOP_QUERY_TIMEOUT": "2.5", "LAMCOOP_HOST": "::1"}
    s = resolve_settings(config_file=toml, environ=environ, overrides={"port": "7200"})
    assert (s.port, s.origin("port")) == (7200, "command line")
    assert (s.query_timeout, s.origin("query_timeout")) == (
        2.5,
        "environment (LAMCOOP_QUERY_TIMEOUT)",
    )
    assert (s.host, s.origin("host")) == ("::1", "environment (LAMCOOP_HOST)")
    assert (s.max_rows, s.origin("max_rows")) == (10, f"config file {toml}")
    assert s.service_allowlist == ("http://a/", "http://b/")
    assert s.origin("store") == "default"


def test_overrides_of_none_mean_not_given():
    s = resolve_settings(config_file=None, environ={"LAMCOOP_PORT": "9"}, overrides={"port": None})
    assert s.port == 9


def test_environment_tuple_and_bool_conversion():
    s = resolve_settings(
        config_file=None, environ={"LAMCOOP_SERVICE_ALLOWLIST": "http://x/, http://y/ ,"}
    )
    assert s.service_allowlist == ("http://x/", "http://y/")


def test_toml_lamcoop_section_and_dashed_keys(tmp_path):
    toml = _write_toml(tmp_path / "c.toml", "[lamcoop]\nmax-rows = 42\n")
    assert resolve_settings(config_file=toml, environ={}).max_rows == 42


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({"LAMCOOP_PORT": "abc"}, ["'port'", "LAMCOOP_PORT", "'abc'"]),
        ({"LAMCOOP_MAX_ROWS": "-3"}, ["'max_rows'", "LAMCOOP_MAX_ROWS", "negative"]),
        ({"LAMCOOP_QUERY_TIMEOUT": "soon"}, ["'query_timeout'", "LAMCOOP_QUERY_TIMEOUT"]),
        ({"LAMCOOP_BASE_IRI": "https://x.org/base"}, ["'base_iri'", "LAMCOOP_BASE_IRI"]),
    ],
)
def test_bad_environment_value_names_setting_and_source(environ, named):
    with pytest.raises(SettingsError) as caught:
        resolve_settings(config_file=None, environ=environ)
    for part in named:
        assert part in str(caught.value)


def test_unknown_key_and_broken_toml_name_the_file(tmp_path):
    unknown = _write_toml(tmp_path / "u.toml", "prot = 80\n")
    with pytest.raises(SettingsError, match=r"unknown setting 'prot' in config file .*u\.toml"):
        resolve_settings(config_file=unknown, environ={})
    broken = _write_toml(tmp_path / "b.toml", "port = \n")
    with pytest.raises(SettingsError, match=r"config file .*b\.toml.*line 1"):
        resolve_settings(config_file=broken, environ={})
    wrong_type = _write_toml(tmp_path / "w.toml", "port = 80.5\n")
    with pytest.raises(SettingsError, match=r"'port' from config file .*w\.toml"):
        resolve_settings(config_file=wrong_type, environ={})


def test_explicit_missing_config_file_is_an_error(tmp_path):
    with pytest.raises(SettingsError, match="does not exist"):
        resolve_settings(config_file=tmp_path / "none.toml", environ={})


# -- through the command line ---------------------------------------------------------------


def _settings_json(result) -> dict[str, dict]:
    assert result.exit_code == 0, result.output
    return {row["name"]: row for row in json.loads(result.stdout)}


def test_settings_command_shows_value_and_origin_of_each_layer(invoke, tmp_path):
    (tmp_path / "lamcoop.toml").write_text('max_rows = 77\nport = 7000\nhost = "h"\n')
    result = invoke(
        "--setting",
        "port",
        "7300",
        "settings",
        "--format",
        "json",
        env={"LAMCOOP_PORT": "7100", "LAMCOOP_HOST": "envhost", "LAMCOOP_UPDATE_TOKEN": "s3"},
    )
    rows = _settings_json(result)
    assert rows["port"]["value"] == 7300 and rows["port"]["origin"] == "command line"
    assert rows["host"]["value"] == "envhost"
    assert rows["host"]["origin"] == "environment (LAMCOOP_HOST)"
    assert rows["max_rows"]["value"] == 77
    assert rows["max_rows"]["origin"].startswith("config file")
    assert rows["query_timeout"]["origin"] == "default"
    assert rows["update_token"]["value"] == "(set)", "the token itself is never shown"
    text = invoke("settings", env={"LAMCOOP_PORT": "7100"}).stdout
    assert "environment (LAMCOOP_PORT)" in text and "7100" in text


def test_store_and_base_iri_flags_beat_environment(invoke, tmp_path):
    rows = _settings_json(
        invoke(
            "--store",
            str(tmp_path / "flag-store"),
            "--base-iri",
            "https://flag.example/",
            "settings",
            "--format",
            "json",
            env={"LAMCOOP_STORE": "env-store", "LAMCOOP_BASE_IRI": "https://env.example/"},
        )
    )
    assert rows["store"]["value"] == str(tmp_path / "flag-store")
    assert rows["base_iri"] == {**rows["base_iri"], "value": "https://flag.example/"}
    assert rows["base_iri"]["origin"] == "command line"


@pytest.mark.parametrize(
    ("files", "env", "expected"),
    [
        ({}, {"LAMCOOP_PORT": "abc"}, "'port' from environment (LAMCOOP_PORT)"),
        ({"lamcoop.toml": "nonsense = 1\n"}, {}, "unknown setting 'nonsense' in config file"),
        ({"lamcoop.toml": "port = [\n"}, {}, "config file lamcoop.toml"),
    ],
)
def test_bad_settings_exit_2_without_traceback(lamcoop, tmp_path, files, env, expected):
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    done = lamcoop("settings", env=env)
    err = done.stderr.decode()
    assert done.returncode == 2
    assert expected in err
    assert "Traceback" not in err


@pytest.mark.slow
def test_every_store_command_honours_lamcoop_store(lamcoop, tmp_path, dataset_store):
    env_store = dataset_store.copy(tmp_path / "env-store")  # built: build has less to do
    data = tmp_path / "one.nt"
    data.write_text("<http://ex/a> <http://ex/b> <http://ex/c> .\n")
    env = {"LAMCOOP_STORE": str(env_store)}
    assert lamcoop("load", str(data), env=env).returncode == 0
    assert env_store.is_dir() and not (tmp_path / "lamcoop-store").exists()
    graphs = lamcoop("graphs", env=env)
    assert b"https://w3id.org/lamcoop/graph/one" in graphs.stdout
    count = lamcoop("query", "SELECT (COUNT(*) AS ?n) { ?s <http://ex/b> ?o }", env=env)
    assert count.stdout.decode().splitlines()[1].startswith("1")
    built = lamcoop("build", env=env)
    assert built.returncode == 0, built.stderr
    listed = lamcoop("--help").stdout.decode()
    for command in ("validate", "audit", "dump"):
        if f"  {command} " in listed:
            done = lamcoop(command, env=env)
            assert done.returncode in (0, 1), (command, done.stderr.decode()[-1000:])
    assert not (tmp_path / "lamcoop-store").exists(), "no command fell back to the default"


def test_a_remote_store_keeps_local_state_in_state_dir(invoke, tmp_path):
    url = "http://127.0.0.1:7878/query"
    s = resolve_settings(environ={"LAMCOOP_STORE": url}, config_file=None)
    assert s.remote_store and s.store == url
    assert s.store_path == tmp_path.cwd() / "lamcoop-state"
    assert s.dump_path == s.store_path / "dumps"
    local = resolve_settings(environ={}, config_file=None)
    assert not local.remote_store and local.dump_path == local.store_path.parent / "dumps"
    result = invoke("settings", "--format", "json", env={"LAMCOOP_STORE_PASSWORD": "pw"})
    assert _settings_json(result)["store_password"]["value"] == "(set)"
