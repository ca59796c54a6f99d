"""Every default in one declarative table, and the loader of ``mediawatch.toml``.

``mediawatch init`` writes this table out, each key with its comment and source. A file may
set only some keys; the rest keep these defaults. Unknown keys and wrong types are errors that
name the key (exit 2). Thresholds live here and nowhere else.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mediawatch import __version__
from mediawatch.errors import ConfigError

CONFIG_FILE = "mediawatch.toml"

RULE_IDS = (
    "not_updated",
    "homepage_not_updated",
    "column_stale",
    "blank_column",
    "unavailable",
    "broken_links",
    "severe_typo",
    "name_mismatch",
    "not_verified",
    "account_gone",
)
PLATFORMS = ("website", "weibo", "wechat")


@dataclass(frozen=True)
class Key:
    default: Any
    comment: str


# section -> key -> Key. The order here is the order `mediawatch init` writes.
DEFAULTS: dict[str, dict[str, Key]] = {
    "office": {
        "name": Key("XX区人民政府办公室", "issuer of notices and bulletins"),
        "short_name": Key("区府办", "used in document numbers of bulletins"),
        "email": Key("", "the office's own address: receives the digest of warnings whose unit has no contact_email"),
        "phone": Key("", "contact telephone printed on notices"),
    },
    "http": {
        "timeout_seconds": Key(15.0, "19号: a home page that does not load within 15 s counts as unavailable"),
        "per_host_concurrency": Key(4, "parallel requests to one host at most"),
        "per_host_delay_seconds": Key(0.0, "pause between two requests to one host"),
        "retries": Key(2, "retries on timeouts, resets and 5xx, with exponential backoff"),
        "backoff_seconds": Key(0.5, "first backoff; doubles on each retry"),
        "max_redirects": Key(10, "redirects followed before a link counts as broken (loops are detected earlier)"),
        "max_response_bytes": Key(10_000_000, "responses are streamed and cut at this size"),
        "max_retry_after_seconds": Key(30.0, "429/503 Retry-After waits up to this long are waited and retried; longer: reported as throttled"),
        "account_workers": Key(8, "accounts checked in parallel (each still bound by per-host limits)"),
        "allow_private_addresses": Key(False, "true lets checks reach loopback/private hosts (tests, demo, intranet sites)"),
        "user_agent": Key(f"mediawatch/{__version__} (+office contact)", "names the tool and the office to site owners"),
    },
    "crawl": {
        "max_pages": Key(200, "19号 可用性: inner pages sampled per website"),
        "max_inner_broken_links": Key(0, "broken links on inner pages above this count fail broken_links"),
        "link_workers": Key(16, "link checks in flight at once across all hosts"),
        "parse_processes": Key(1, "worker processes reading crawled pages (the second core); 0: threads"),
        "check_external_links": Key(True, "links to other hosts are checked (never crawled)"),
        "max_page_bytes": Key(2_000_000, "HTML pages read for links, dates and typos are cut at this size"),
    },
    "rules": {
        "new_media_max_silence_days": Key(14, "19号: 新媒体 监测时间点前2周内无更新 (veto)"),
        "homepage_max_silence_days": Key(14, "19号: 首页 2周 不更新 (veto)"),
        "column_max_silence_days": Key(
            {"news": 14, "notice": 180, "policy": 180, "personnel": 365, "planning": 365},
            "19号 栏目不更新 by category; 2015 普查 check points",
        ),
        "unavailable_failure_ratio": Key(0.05, "19号: 站点无法访问 when failed probes are >= this share (veto)"),
        "unavailable_window_days": Key(7, "19号: rolling window of availability probes"),
        "unavailable_min_probes": Key(20, "fewer probes than this in the window is 'not enough data', neither pass nor fail"),
        "platforms": Key(
            {
                "not_updated": ["weibo", "wechat"],
                "homepage_not_updated": ["website"],
                "column_stale": ["website"],
                "blank_column": ["website"],
                "unavailable": ["website"],
                "broken_links": ["website", "weibo", "wechat"],
                "severe_typo": ["website", "weibo", "wechat"],
                "name_mismatch": ["weibo", "wechat"],
                "not_verified": ["weibo"],
                "account_gone": ["weibo", "wechat"],
            },
            "which rules apply to which platform (design.md rules table)",
        ),
        "warn": Key(
            {rule: True for rule in RULE_IDS},
            "false: the rule is evaluated and recorded but raises no warning",
        ),
    },
    "warnings": {
        "deadline_days": Key(10, "rectification deadline; real bulletins give 8-11 days (日清日结 for the office)"),
    },
    "closure": {
        "max_warnings": Key(3, "瓯海 item 12: 1年内预警超过3次 ... more than this many"),
        "window_days": Key(365, "... within this many days makes a closure candidate"),
        "window": Key("rolling", "'rolling' (trailing window_days) or 'calendar_year'"),
        "platforms": Key(["website", "weibo", "wechat"], "platforms the closure rule applies to"),
    },
    "canary": {
        "urls": Key([], "reference URLs that must load for a run to count"),
        "max_network_failure_ratio": Key(0.5, "a run whose checks fail at the network level above this share is degraded"),
        "min_checks": Key(4, "the ratio above is judged only from this many checks on"),
    },
    "typos": {
        "use_default_dictionary": Key(True, "the shipped dictionary of severe errors (state's name, political formulas)"),
        "extra_dictionaries": Key([], "UTF-8 CSV files with columns wrong,right (right empty: a forbidden word)"),
        "context_chars": Key(20, "characters of text kept on each side of a hit as evidence"),
        "max_hits_per_page": Key(20, "hits kept per page or post (the rest are counted, not listed)"),
    },
    "weibo": {
        "api_base": Key("https://m.weibo.cn", "container API base; point at a mirror or a test server"),
        "visitor_base": Key("https://visitor.passport.weibo.cn", "visitor-cookie flow that obtains SUB"),
        "cookie": Key("", "a set cookie skips the visitor-cookie flow"),
        "delay_seconds": Key(5.0, "pause between requests to the platform (with jitter)"),
        "max_requests_per_run": Key(0, "cap on platform requests in one run; 0 = no cap"),
        "lookback_days": Key(30, "posts of this many days are fetched (paging)"),
        "user_agent": Key(
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            "Version/17.5 Mobile/15E148 Safari/604.1",
            "m.weibo.cn answers mobile browsers; the User-Agent sent to the platform (not to linked sites)"),
        "concurrency": Key(1, "requests in flight at once to one platform host (1: one at a time)"),
        "max_pages": Key(10, "pages of the timeline read per account at most, whatever lookback_days says"),
        "stop_after_blocks": Key(3, "after this many blocked answers in a row, the run stops asking the platform; 0 = never"),
    },
    "wechat": {
        "delay_seconds": Key(5.0, "pause between requests to one feed host (with jitter)"),
        "fetch_articles": Key(True, "open recent article pages (publish time, deleted/blocked articles)"),
        "max_articles_per_account": Key(10, "recent article pages opened per account and check at most"),
        "lookback_days": Key(30, "posts of this many days are read from the feed, JSON or CSV"),
        "concurrency": Key(1, "requests in flight at once to one feed or article host (1: one at a time)"),
        "max_requests_per_run": Key(0, "cap on feed and article requests in one run; 0 = no cap"),
        "stop_after_blocks": Key(3, "after this many blocked answers in a row from one host, the run stops asking it; 0 = never"),
    },
    "schedule": {
        "daily_check_time": Key("02:00", "local time the daily check starts (日清日结)"),
        "spread_minutes": Key(120, "the daemon's daily check spreads the accounts over this window, not all at once"),
        "probes_per_day": Key(24, "19号 asks for >= 20 availability probes a day"),
        "bulletin_day": Key(1, "day of the month the previous month's bulletin is written"),
        "retry_attempts": Key(4, "check_failed accounts (blocked, network) are checked again this many times a day"),
        "retry_first_minutes": Key(30, "first retry after this many minutes; the wait doubles each time"),
    },
    "notices": {
        "reply_instructions": Key(
            "请于整改期限内完成整改，并将整改情况书面报送区府办。",
            "how owners reply, printed on every notice",
        ),
    },
    "bulletin": {
        "title_template": Key("{region}政府网站和政务新媒体{year}年{month}月检查情况通报", "bulletin title"),
        "region": Key("XX区", "region name in the bulletin title"),
        "requirements": Key(
            "各单位要切实履行主办责任，对通报问题立即整改，于{deadline}前将整改情况报区府办。"
            "对1年内预警超过3次的账号，原则上予以关停整改。",
            "四、工作要求; {deadline} is filled in; a line break starts a new paragraph",
        ),
        "doc_number": Key("{short_name}通〔{year}〕{month}号",
                          "document number (文号); {short_name}, {year}, {month} of the bulletin are filled in"),
        "addressees": Key("各镇人民政府、街道办事处，区政府各部门、各直属单位", "主送: to whom the bulletin is addressed"),
        "basis": Key(
            "《国务院办公厅秘书局关于印发政府网站与政务新媒体检查指标、监管工作年度考核指标的通知》（国办秘函〔2019〕19号）"
            "和本地政府网站与政务新媒体管理有关规定",
            "依据: the national indicators (国办秘函〔2019〕19号) and the local rules",
        ),
        "rectify_days": Key(10, "四、工作要求: owners report their rectification within this many days of the bulletin"),
    },
    "smtp": {
        "host": Key("", "SMTP server; empty: notices are written to files only"),
        "port": Key(587, "SMTP port"),
        "security": Key("starttls", "'starttls', 'ssl' or 'none'"),
        "user": Key("", "SMTP login; empty: no login"),
        "password_env": Key("MEDIAWATCH_SMTP_PASSWORD", "the password is read from this environment variable, never this file"),
        "sender": Key("", "From: address"),
        "timeout_seconds": Key(30, "SMTP connection timeout"),
    },
}


class Section:
    """Read-only attribute access to one section."""

    def __init__(self, name: str, values: dict[str, Any]):
        self._name = name
        self._values = values

    def __getattr__(self, key: str) -> Any:
        try:
            return self._values[key]
        except KeyError:
            raise AttributeError(f"{self._name}.{key}") from None

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def as_dict(self) -> dict[str, Any]:
        return dict(self._values)


class Config:
    def __init__(self, values: dict[str, dict[str, Any]], path: Path | None = None):
        self._values = values
        self.path = path

    def __getattr__(self, section: str) -> Section:
        try:
            return Section(section, self._values[section])
        except KeyError:
            raise AttributeError(section) from None

    def as_dict(self) -> dict[str, dict[str, Any]]:
        return {name: dict(values) for name, values in self._values.items()}

    def with_overrides(self, overrides: dict[str, dict[str, Any]]) -> "Config":
        """A copy with some keys changed (validated like a file)."""
        merged = merge(self.as_dict(), overrides, source="overrides")
        return Config(merged, self.path)


def defaults() -> Config:
    return Config({s: {k: _copy(key.default) for k, key in keys.items()} for s, keys in DEFAULTS.items()})


def _copy(value: Any) -> Any:
    return json.loads(json.dumps(value))


def _type_ok(default: Any, value: Any) -> bool:
    if isinstance(default, bool):
        return isinstance(value, bool)
    if isinstance(default, float):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if isinstance(default, int):
        return isinstance(value, int) and not isinstance(value, bool)
    if isinstance(default, str):
        return isinstance(value, str)
    if isinstance(default, list):
        return isinstance(value, list)
    if isinstance(default, dict):
        return isinstance(value, dict)
    return True


def _type_name(default: Any) -> str:
    for kind, name in ((bool, "true/false"), (float, "a number"), (int, "a whole number"),
                       (str, "a string"), (list, "a list"), (dict, "a table")):
        if isinstance(default, kind):
            return name
    return type(default).__name__


def merge(base: dict[str, dict[str, Any]], data: dict[str, Any], *, source: str) -> dict[str, dict[str, Any]]:
    problems: list[str] = []
    for section, values in data.items():
        if section not in DEFAULTS:
            problems.append(f"{source}: [{section}]: unknown section")
            continue
        if not isinstance(values, dict):
            problems.append(f"{source}: {section}: must be a table")
            continue
        for key, value in values.items():
            spec = DEFAULTS[section].get(key)
            name = f"{section}.{key}"
            if spec is None:
                problems.append(f"{source}: {name}: unknown key")
                continue
            if not _type_ok(spec.default, value):
                problems.append(f"{source}: {name}: must be {_type_name(spec.default)}, got {value!r}")
                continue
            if isinstance(spec.default, dict) and spec.default:
                merged = dict(base[section][key])
                for sub, sub_value in value.items():
                    if sub not in spec.default:
                        problems.append(f"{source}: {name}.{sub}: unknown key")
                    elif not _type_ok(spec.default[sub], sub_value):
                        problems.append(
                            f"{source}: {name}.{sub}: must be {_type_name(spec.default[sub])}, got {sub_value!r}")
                    else:
                        merged[sub] = float(sub_value) if isinstance(spec.default[sub], float) else sub_value
                base[section][key] = merged
            else:
                base[section][key] = float(value) if isinstance(spec.default, float) else value
    problems.extend(_check_values(base, source))
    if problems:
        raise ConfigError("\n".join(problems))
    return base


def _check_values(values: dict[str, dict[str, Any]], source: str) -> list[str]:
    problems = []
    if values["smtp"]["security"] not in ("starttls", "ssl", "none"):
        problems.append(f"{source}: smtp.security: must be 'starttls', 'ssl' or 'none'")
    if values["closure"]["window"] not in ("rolling", "calendar_year"):
        problems.append(f"{source}: closure.window: must be 'rolling' or 'calendar_year'")
    for key in ("platforms",):
        for platform in values["closure"][key]:
            if platform not in PLATFORMS:
                problems.append(f"{source}: closure.platforms: unknown platform {platform!r}")
    for rule, platforms in values["rules"]["platforms"].items():
        for platform in platforms:
            if platform not in PLATFORMS:
                problems.append(f"{source}: rules.platforms.{rule}: unknown platform {platform!r}")
    for section, key in (("http", "timeout_seconds"), ("http", "per_host_concurrency"), ("crawl", "link_workers"),
                         ("closure", "window_days"), ("rules", "unavailable_window_days")):
        if values[section][key] <= 0:
            problems.append(f"{source}: {section}.{key}: must be greater than 0")
    return problems


def load(home: Path) -> Config:
    """Defaults, overlaid with ``home/mediawatch.toml`` when it exists."""
    path = home / CONFIG_FILE
    values = defaults().as_dict()
    if not path.exists():
        return Config(values, None)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 ({exc})") from None
    return Config(merge(values, data, source=str(path)), path)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(value)


def render_default_file() -> str:
    """The commented ``mediawatch.toml`` that ``mediawatch init`` writes."""
    lines = [
        "# mediawatch configuration. Every key is shown with its default; delete what you do not change.",
        "# Sources: 国办秘函〔2019〕19号《政府网站与政务新媒体检查指标》; 瓯海 2021 政务公开工作要点 item 12.",
        "",
    ]
    for section, keys in DEFAULTS.items():
        lines.append(f"[{section}]")
        for key, spec in keys.items():
            lines.append(f"# {spec.comment}")
            lines.append(f"{key} = {_toml_value(spec.default)}")
        lines.append("")
    return "\n".join(lines)
