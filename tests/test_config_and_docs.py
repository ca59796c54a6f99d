"""Config: defaults, partial files, errors naming the key. Docs: every contract command exists and has --help."""

import re
import tomllib
from pathlib import Path

import pytest

from mediawatch import config

DESIGN = Path(__file__).resolve().parents[2] / "shared" / "design.md"
README = Path(__file__).resolve().parents[1] / "README.md"

CONTRACT_KEYS = {
    "office": ["name"],
    "http": ["timeout_seconds", "per_host_concurrency", "allow_private_addresses", "user_agent"],
    "crawl": ["max_pages"],
    "rules": ["new_media_max_silence_days", "homepage_max_silence_days", "column_max_silence_days",
              "unavailable_failure_ratio", "unavailable_window_days"],
    "warnings": ["deadline_days"],
    "closure": ["max_warnings", "window_days"],
    "canary": ["urls"],
    "typos": ["extra_dictionaries"],
    "weibo": ["api_base", "visitor_base", "cookie", "delay_seconds"],
    "wechat": ["delay_seconds"],
    "smtp": ["host", "port", "security", "user", "password_env", "sender"],
}


def test_contract_keys_and_defaults():
    d = config.defaults()
    for section, keys in CONTRACT_KEYS.items():
        for key in keys:
            getattr(getattr(d, section), key)
    assert d.rules.column_max_silence_days == {"news": 14, "notice": 180, "policy": 180, "personnel": 365,
                                               "planning": 365}
    assert (d.rules.new_media_max_silence_days, d.rules.unavailable_failure_ratio, d.closure.max_warnings,
            d.closure.window_days, d.warnings.deadline_days, d.http.timeout_seconds) == (14, 0.05, 3, 365, 10, 15)


def test_init_writes_every_key_with_a_comment(cli, home):
    (home / "mediawatch.toml").unlink()
    cli("init")
    text = (home / "mediawatch.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    for section, keys in config.DEFAULTS.items():
        assert set(data[section]) == set(keys)
    assert "19号" in text and "瓯海" in text
    assert "kept" in cli("init").stdout


def test_partial_file_keeps_other_defaults(tmp_path):
    (tmp_path / "mediawatch.toml").write_text("[rules]\ncolumn_max_silence_days = { news = 7 }\n", encoding="utf-8")
    loaded = config.load(tmp_path)
    assert loaded.rules.column_max_silence_days["news"] == 7
    assert loaded.rules.column_max_silence_days["notice"] == 180
    assert loaded.rules.new_media_max_silence_days == 14


@pytest.mark.parametrize("text,message", [
    ("[rules]\nnew_media_max_silence_day = 14\n", "rules.new_media_max_silence_day: unknown key"),
    ("[rules]\nnew_media_max_silence_days = \"14\"\n", "rules.new_media_max_silence_days: must be a whole number"),
    ("[http]\nallow_private_addresses = 1\n", "http.allow_private_addresses: must be true/false"),
    ("[nonsense]\nx = 1\n", "[nonsense]: unknown section"),
    ("[rules]\ncolumn_max_silence_days = { blog = 3 }\n", "rules.column_max_silence_days.blog: unknown key"),
    ("[smtp]\nsecurity = \"tls\"\n", "smtp.security: must be"),
    ("[rules\n", "mediawatch.toml"),
])
def test_bad_config_is_exit_2_naming_the_key(cli, home, text, message):
    (home / "mediawatch.toml").write_text(text, encoding="utf-8")
    result = cli("accounts", "list", expect=2)
    assert message in result.stderr
    assert not (home / "mediawatch.db").exists(), "bad config must not create the database"


def test_bad_now_is_exit_2():
    from click.testing import CliRunner

    from mediawatch.cli import cli as group
    result = CliRunner().invoke(group, ["--now", "yesterday", "accounts", "list"])
    assert result.exit_code == 2 and "ISO 8601" in result.output


def _contract_commands() -> list[list[str]]:
    text = DESIGN.read_text(encoding="utf-8") if DESIGN.exists() else ""
    commands = set()
    for match in re.finditer(r"^\| `mediawatch ([a-z ]+?)(?: [A-Z\[\-].*?)?`", text, re.M):
        commands.add(match.group(1).strip())
    return sorted(c.split() for c in commands) or [["init"]]


@pytest.mark.parametrize("words", _contract_commands(), ids=lambda w: " ".join(w))
def test_every_contract_command_exists_and_has_help(words):
    from click.testing import CliRunner

    from mediawatch.cli import cli as group
    result = CliRunner().invoke(group, words + ["--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output


def test_readme_documents_every_command():
    from mediawatch.cli import cli as group

    text = README.read_text(encoding="utf-8")
    for name, command in group.commands.items():
        assert f"mediawatch {name}" in text, name
        for sub in getattr(command, "commands", {}):
            assert f"mediawatch {name} {sub}" in text, f"{name} {sub}"
