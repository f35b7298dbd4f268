"""Settings files and variables a person gets wrong: a ``lamcoop.toml`` saved in another
encoding ended in a Python traceback (UnicodeDecodeError), and a port over 65535 was taken,
so that ``lamcoop serve`` ended in a traceback from ``bind()`` (OverflowError). A store
setting that is no usable URL, or a path with no store, was made into a new, empty store
by commands that only read. Each is an error naming the file, variable or path now, before
anything starts or is made."""

from __future__ import annotations

import pytest


def test_a_config_file_that_is_not_utf8_is_an_error_naming_its_line(invoke, tmp_path):
    (tmp_path / "lamcoop.toml").write_bytes(
        'max_rows = 5\ntitle = "Bibliothèque"\n'.encode("cp1252")
    )
    result = invoke("settings")
    assert result.exit_code == 2, result.output  # a usage error, as every bad setting
    assert "Traceback" not in result.output
    assert "config file lamcoop.toml: line 2: not UTF-8 text" in result.output


@pytest.mark.parametrize("port", ["65536", "99999"])
def test_a_port_past_the_last_is_an_error_naming_its_source(invoke, tmp_path, port):
    (tmp_path / "lamcoop.toml").write_text(f"port = {port}\n", encoding="utf-8")
    from_file = invoke("settings")
    assert from_file.exit_code == 2, from_file.output
    assert "setting 'port' from config file lamcoop.toml must be 0 to 65535" in from_file.output
    (tmp_path / "lamcoop.toml").unlink()
    from_env = invoke("serve", env={"LAMCOOP_PORT": port})
    assert from_env.exit_code == 2, from_env.output
    assert "setting 'port' from environment (LAMCOOP_PORT) must be 0 to 65535" in from_env.output


def test_the_last_port_is_taken(invoke):
    result = invoke("settings", "--format", "json", env={"LAMCOOP_PORT": "65535"})
    assert result.exit_code == 0, result.output
    assert '"value": 65535' in result.output


@pytest.mark.parametrize(
    ("store", "says"),
    [
        ("ftp://example.org/sparql", "is a URL: a store is a directory or an http(s) SPARQL"),
        ("http://[::1", "is not a URL lamcoop can read: Invalid IPv6 URL"),
        ("http:///query", "names no host"),
        ("https://example.org:99999/sparql", "is not a URL lamcoop can read: Port out of range"),
    ],
)
def test_a_store_url_lamcoop_cannot_use_is_named_and_nothing_is_made(invoke, tmp_path, store, says):
    """``ftp://…`` was taken for a directory: ``lamcoop graphs`` made a new, empty store at
    ``./ftp:/…`` and listed nothing; ``http://[::1`` ended in a traceback."""
    result = invoke("graphs", env={"LAMCOOP_STORE": store})
    assert result.exit_code == 2, result.output
    assert f"setting 'store' from environment (LAMCOOP_STORE): '{store}' {says}" in result.output
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", [("graphs",), ("query", "ASK {}"), ("validate",), ("dump",)])
def test_a_command_that_reads_names_a_missing_store_and_makes_none(invoke, tmp_path, command):
    """A mistyped store path used to be made into a new, empty store by any command, which
    then answered as if the data were empty (``lamcoop query 'ASK {}'`` printed true)."""
    missing = tmp_path / "no-such-store"
    result = invoke(*command, env={"LAMCOOP_STORE": str(missing)})
    assert result.exit_code == 1, result.output
    assert f"no store at {missing}: run 'lamcoop build' first" in result.output
    assert not missing.exists()


def test_a_file_given_as_the_store_is_named(invoke, tmp_path):
    (tmp_path / "data.ttl").write_text("<urn:x-a> <urn:x-b> <urn:x-c> .\n", encoding="utf-8")
    result = invoke("graphs", env={"LAMCOOP_STORE": str(tmp_path / "data.ttl")})
    assert result.exit_code == 1, result.output
    assert "data.ttl is a file, not a store's directory" in result.output


def test_load_still_makes_a_new_store(invoke, tmp_path):
    (tmp_path / "one.nt").write_text("<urn:x-a> <urn:x-b> <urn:x-c> .\n", encoding="utf-8")
    result = invoke("load", str(tmp_path / "one.nt"), env={"LAMCOOP_STORE": str(tmp_path / "new")})
    assert result.exit_code == 0, result.output
    assert "1 triples in" in result.output
