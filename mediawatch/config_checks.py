"""The checks of ``mediawatch.toml``'s values beyond their types: choices, platforms and rule ids, IM
robots, and numbers (no NaN, infinity or negatives; zero only where it means something; ranges; the daily
time as HH:MM). A bad value is named here, with its key, before anything runs."""

from __future__ import annotations

import ipaddress
import math
import re
from typing import Any

from mediawatch.config import PLATFORMS, ROBOT_KINDS, SITE_RULE_IDS

def check_values(values: dict[str, dict[str, Any]], source: str) -> list[str]:
    problems = []
    if values["smtp"]["security"] not in ("starttls", "ssl", "none"):
        problems.append(f"{source}: smtp.security: must be 'starttls', 'ssl' or 'none'")
    if values["closure"]["window"] not in ("rolling", "calendar_year"):
        problems.append(f"{source}: closure.window: must be 'rolling' or 'calendar_year'")
    for key in ("platforms",):
        for platform in values["closure"][key]:
            if platform not in PLATFORMS:
                problems.append(f"{source}: closure.platforms: unknown platform {platform!r}")
    for rule in values["closure"]["counted_site_rules"]:  # issue 16
        if rule not in SITE_RULE_IDS:
            problems.append(f"{source}: closure.counted_site_rules: {rule!r} is not a site requirement rule "
                            f"(expected one of {', '.join(SITE_RULE_IDS)})")
    for rule, platforms in values["rules"]["platforms"].items():
        for platform in platforms:
            if platform not in PLATFORMS:
                problems.append(f"{source}: rules.platforms.{rule}: unknown platform {platform!r}")
    problems.extend(_check_robots(values["channels"]["robots"], source))  # issue 17: IM robots
    problems.extend(_check_score19(values["score19"], source))  # the 19号 score's table
    problems.extend(_check_numbers(values, source))  # > 0 for timeouts, workers, windows; no NaN or negatives
    return problems


# numbers that must be above zero (the rest must be zero or more); (low, high) ranges, both included
POSITIVE = {
    "http": ("timeout_seconds", "per_host_concurrency", "max_response_bytes", "account_workers",
             "fetch_deadline_seconds"),
    "crawl": ("link_workers", "max_page_bytes", "max_links_per_page"),
    "rules": ("new_media_max_silence_days", "homepage_max_silence_days", "column_max_silence_days",
              "unavailable_window_days", "unavailable_min_probes"),
    "warnings": ("deadline_days",),
    "closure": ("window_days",),
    "canary": ("min_checks",),
    "typos": ("max_hits_per_page",),
    "weibo": ("lookback_days", "concurrency", "max_pages"),
    "wechat": ("max_articles_per_account", "lookback_days", "concurrency"),
    "schedule": ("probes_per_day", "retry_first_minutes", "run_budget_minutes", "stop_grace_seconds"),
    "bulletin": ("rectify_days",),
    "smtp": ("port", "timeout_seconds"),
    "imports": ("max_rows",),
    "privacy": ("attachment_downloads",),  # issue 14
}
RANGES = {
    ("rules", "unavailable_failure_ratio"): (0, 1),
    ("canary", "max_network_failure_ratio"): (0, 1),
    ("canary", "dns_failure_domains"): (2, 1_000_000),
    ("schedule", "probes_per_day"): (1, 1440),
    ("schedule", "bulletin_day"): (1, 28),
    ("smtp", "port"): (1, 65535),
}
DAILY_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def _numbers(value: Any, name: str):
    if isinstance(value, bool):
        return
    if isinstance(value, (int, float)):
        yield name, value
    elif isinstance(value, dict):
        for sub, inner in value.items():
            yield from _numbers(inner, f"{name}.{sub}")


def _check_numbers(values: dict[str, dict[str, Any]], source: str) -> list[str]:
    """No NaN, no infinity, no negative number anywhere; zero only where it means something;
    ranges; the daily time as HH:MM. A bad value is named here, not met as a crash later."""
    problems = []
    for section, keys in values.items():
        for key, value in keys.items():
            for name, number in _numbers(value, f"{section}.{key}"):
                if isinstance(number, float) and not math.isfinite(number):
                    problems.append(f"{source}: {name}: must be a finite number, got {number!r}")
                elif number < 0:
                    problems.append(f"{source}: {name}: must not be negative, got {number!r}")
                elif number == 0 and key in POSITIVE.get(section, ()):
                    problems.append(f"{source}: {name}: must be greater than 0")
                elif abs(number) > 1e12:
                    problems.append(f"{source}: {name}: {number!r} is out of any sensible range")
    for (section, key), (low, high) in RANGES.items():
        number = values.get(section, {}).get(key)
        if isinstance(number, (int, float)) and math.isfinite(number) and not low <= number <= high:
            problems.append(f"{source}: {section}.{key}: must be between {low} and {high}, got {number!r}")
    daily = values["schedule"]["daily_check_time"]
    if not DAILY_TIME.match(daily):
        problems.append(f"{source}: schedule.daily_check_time: {daily!r} is not a time of day as HH:MM (00:00-23:59)")
    for network in values["http"]["allowed_private_networks"]:
        try:
            ipaddress.ip_network(network, strict=False)
        except (TypeError, ValueError):
            problems.append(f"{source}: http.allowed_private_networks: {network!r} is not a network (e.g. 10.8.0.0/16)")
    return problems


def _check_robots(robots: dict[str, Any], source: str) -> list[str]:
    """``[channels.robots.NAME]``: a kind and the environment variables holding its URL and secret."""
    problems = []
    for name, robot in robots.items():
        where = f"{source}: channels.robots.{name}"
        if not isinstance(robot, dict):
            problems.append(f"{where}: must be a table")
            continue
        for key in robot:
            if key not in ("kind", "url_env", "secret_env"):
                problems.append(f"{where}.{key}: unknown key")
        if robot.get("kind") not in ROBOT_KINDS:
            problems.append(f"{where}.kind: must be one of {', '.join(ROBOT_KINDS)}")
        if not isinstance(robot.get("url_env"), str) or not robot.get("url_env"):
            problems.append(f"{where}.url_env: the name of the environment variable holding the webhook URL")
        if "secret_env" in robot and not isinstance(robot["secret_env"], str):
            problems.append(f"{where}.secret_env: must be a string")
    return problems


def _check_score19(section: dict[str, Any], source: str) -> list[str]:
    problems = []
    if not 0 < section["fail_below"] <= section["full_marks"]:
        problems.append(f"{source}: score19.fail_below: must be above 0 and at most full_marks ({section['full_marks']})")
    if not 0 < section["no_service_full"] <= section["full_marks"]:
        problems.append(f"{source}: score19.no_service_full: must be above 0 and at most full_marks")
    for name, total in section["indicators"].items():
        if isinstance(total, bool) or not isinstance(total, (int, float)):
            problems.append(f"{source}: score19.indicators.{name}: must be a number of points, got {total!r}")
    for key, item in section["machine_items"].items():
        if not isinstance(item, dict) or set(item) != {"indicator", "points"}:
            problems.append(f"{source}: score19.machine_items.{key}: must be a table with indicator and points")
        elif not isinstance(item["indicator"], str) or not item["indicator"].strip():
            problems.append(f"{source}: score19.machine_items.{key}.indicator: must be an indicator's name")
        elif section["indicators"] and item["indicator"] not in section["indicators"]:
            problems.append(f"{source}: score19.machine_items.{key}.indicator: {item['indicator']!r} is not in "
                            f"score19.indicators")
        elif isinstance(item["points"], bool) or not isinstance(item["points"], (int, float)):
            problems.append(f"{source}: score19.machine_items.{key}.points: must be a number, got {item['points']!r}")
    return problems
