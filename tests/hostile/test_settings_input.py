"""Settings files and variables a person gets wrong: a ``lamcoop.toml`` saved in another
encoding ended in a Python traceback (UnicodeDecodeError), and a port over 65535 was taken,
so that ``lamcoop serve`` ended in a traceback from ``bind()`` (OverflowError). Each is an
error naming the file or variable now, before anything starts."""

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
