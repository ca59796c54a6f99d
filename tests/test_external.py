"""Warnings issued by other platforms: validated like the registry, never duplicated, counted like ours."""

import json

import pytest

NOW = "2026-11-23T09:00:00+08:00"
REGISTRY = "account_id,platform,name,owner_unit,platform_id\nwb-1,weibo,XX发布,区委宣传部,9900000001\n" \
           "wb-2,weibo,XX市场监管,区市场监管局,9900000003\n"
HEADER = "account_id,issued_at,reason,source,external_id\n"


@pytest.fixture
def registered(cli, tmp_path):
    path = tmp_path / "accounts.csv"
    path.write_text(REGISTRY, encoding="utf-8")
    cli("accounts", "import", str(path))
    return cli


def write(tmp_path, text, name="ext.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_import_tips_account_over_closure_rule_and_reimport_changes_nothing(registered, tmp_path):
    cli = registered
    rows = HEADER + (
        "wb-1,2026-02-03,内容不更新,浙江省政务新媒体管理平台,ZJ-2026-0012\n"
        "wb-1,2026/05/10 10:30,链接不可用,浙江省政务新媒体管理平台,ZJ-2026-0107\n"
        "wb-1,2026年8月1日,账号名称不一致,浙江省政务新媒体管理平台,\n"
        "wb-1,2026-10-20T08:00:00+08:00,严重表述错误,市委网信办,\n"
    )
    path = write(tmp_path, rows, encoding="gb18030")
    out = cli("warnings", "import", str(path), now=NOW)
    assert "4 imported, 0 already present" in out.stdout
    closure = json.loads(cli("closure", "--format", "json", now=NOW).stdout)
    assert [(c["account_id"], c["warnings_12m"]) for c in closure] == [("wb-1", 4)]
    listed = json.loads(cli("warnings", "--account", "wb-1", "--status", "all", "--format", "json", now=NOW).stdout)
    assert {w["source"] for w in listed} == {"浙江省政务新媒体管理平台", "市委网信办"}
    assert listed[0]["opened_at"] == "2026-02-03T00:00:00+08:00"
    assert all(w["rule"] == "external" for w in listed)
    again = cli("warnings", "import", str(path), now=NOW)
    assert "0 imported, 4 already present" in again.stdout
    assert len(json.loads(cli("warnings", "--status", "all", "--format", "json", now=NOW).stdout)) == 4
    # revoking one of them takes the account back under the threshold
    cli("warnings", "revoke", str(listed[0]["id"]), "--reason", "申诉成立", now=NOW)
    assert json.loads(cli("closure", "--format", "json", now=NOW).stdout) == []


def test_bad_file_lists_every_problem_and_writes_nothing(registered, tmp_path):
    cli = registered
    rows = HEADER + (
        "wb-9,2026-02-03,内容不更新,省平台,A1\n"
        "wb-1,yesterday,内容不更新,省平台,A2\n"
        "wb-1,2027-01-01,内容不更新,省平台,A3\n"
        "wb-1,2026-02-03,,省平台,A4\n"
        "wb-2,2026-02-03,内容不更新,省平台,A5\n"
        "wb-2,2026-02-04,内容不更新,省平台,A5\n"
    )
    path = write(tmp_path, rows)
    err = cli("warnings", "import", str(path), now=NOW, expect=2).stderr
    assert f"{path}:2: account_id: 'wb-9' is not in the registry" in err
    assert f"{path}:3: issued_at: 'yesterday' is not a date/time" in err
    assert f"{path}:4: issued_at: '2027-01-01' is in the future" in err
    assert f"{path}:5: reason: required, empty" in err
    assert f"{path}:7: external_id: same warning as line 6" in err
    assert json.loads(cli("warnings", "--status", "all", "--format", "json", now=NOW).stdout) == []
    unknown = write(tmp_path, "account_id,issued_at,reason,source,level\n", "u.csv")
    assert "level: unknown column" in cli("warnings", "import", str(unknown), expect=2).stderr


def test_imported_warning_can_be_resolved_by_hand(registered, tmp_path):
    cli = registered
    cli("warnings", "import", str(write(tmp_path, HEADER + "wb-2,2026-11-01,内容不更新,省平台,B1\n")), now=NOW)
    wid = json.loads(cli("warnings", "--format", "json", now=NOW).stdout)[0]["id"]
    cli("warnings", "resolve", str(wid), "--reason", "已整改并报送", now=NOW)
    shown = json.loads(cli("warnings", "show", str(wid), "--format", "json").stdout)
    assert shown["status"] == "resolved"
    assert [e["kind"] for e in shown["events"]] == ["imported", "resolved"]
