"""`mediawatch users ...`: passwords from standard input, argon2id hashes, errors exit 2 and write nothing, audit entries."""

from __future__ import annotations

import json

from click.testing import CliRunner
from sqlalchemy import select

from conftest import _entry
from mediawatch.app import App
from mediawatch.store.models import AuditEntry, User


def run(home, db_url, *args, password: str | None = None, expect: int = 0):
    result = CliRunner().invoke(_entry, ["--home", str(home), "--db", db_url, *args], input=password)
    assert result.exit_code == expect, (result.exit_code, result.stdout, result.stderr)
    return result


def test_users_add_list_disable_passwd(cli, home, db_url):
    (home / "accounts.csv").write_text("account_id,platform,name,owner_unit,url\n"
                                       "site-a,website,A站,区民政局,https://a.example.gov.cn/\n", encoding="utf-8")
    cli("accounts", "import", str(home / "accounts.csv"))
    run(home, db_url, "users", "add", "zhang", "--role", "office", password="correct horse battery\n")
    run(home, db_url, "users", "add", "mz", "--role", "unit", "--unit", "区民政局", password="unit-password-1\n")
    for args, password, message in (
            (["add", "li", "--role", "unit"], "long-enough-pw\n", "--unit: required"),
            (["add", "li", "--role", "unit", "--unit", "区不存在局"], "long-enough-pw\n", "no account in the registry"),
            (["add", "li", "--role", "leader", "--unit", "区民政局"], "long-enough-pw\n", "only for role unit"),
            (["add", "li", "--role", "leader"], "short\n", "at least 10 characters"),
            (["add", "li", "--role", "leader"], "\n", "none on standard input"),
            (["add", "zhang", "--role", "leader"], "long-enough-pw\n", "exists"),
            (["add", "li wei", "--role", "leader"], "long-enough-pw\n", "use letters"),
            (["disable", "nobody"], None, "no user 'nobody'")):
        result = run(home, db_url, "users", *args, password=password, expect=2)
        assert message in result.stderr, (args, result.stderr)
    rows = json.loads(run(home, db_url, "users", "list", "--format", "json").stdout)
    assert [(r["name"], r["role"], r["owner_unit"], r["active"]) for r in rows] == [
        ("mz", "unit", "区民政局", True), ("zhang", "office", "", True)]
    app = App(home, db_url)
    with app.store.session() as s:
        stored = s.scalar(select(User.password_hash).where(User.name == "zhang"))
    assert stored.startswith("$argon2id$") and "correct horse" not in stored
    run(home, db_url, "users", "passwd", "zhang", password="another-good-pw\n")
    run(home, db_url, "users", "disable", "mz")
    assert "already disabled" in run(home, db_url, "users", "disable", "mz", expect=2).stderr
    from mediawatch.console import users
    with app.store.session() as s:
        assert users.authenticate(s, "zhang", "correct horse battery") is None
        assert users.authenticate(s, "zhang", "another-good-pw").name == "zhang"
        assert users.authenticate(s, "mz", "unit-password-1") is None  # disabled
        actions = [(e.action, e.target) for e in s.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions == [("user.add", "zhang"), ("user.add", "mz"), ("user.passwd", "zhang"), ("user.disable", "mz")]
    app.close()


def test_serve_binds_loopback_by_default():
    from mediawatch import config

    assert config.defaults().console.host == "127.0.0.1"
    result = CliRunner().invoke(_entry, ["serve", "--help"])
    assert "--host" in result.stdout and "127.0.0.1" in result.stdout
