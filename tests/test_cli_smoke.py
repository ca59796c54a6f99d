import json


def test_init_then_import_and_list(cli, home):
    cli("init")
    assert (home / "mediawatch.toml").exists()
    out = cli("accounts", "import", "accounts.csv", "--columns", "columns.csv")
    assert "16 new" in out.stdout
    rows = json.loads(cli("accounts", "list", "--format", "json").stdout)
    assert {r["account_id"] for r in rows} >= {"gov-portal", "xxfb-weibo", "czj-wechat"}
    assert set(rows[0]) == {"account_id", "platform", "name", "owner_unit", "active", "open_warnings",
                            "warnings_12m", "closure_candidate"}
