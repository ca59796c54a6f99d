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
    # issue 15: 互动回应差 and 安全
    "interaction_unanswered",
    "interaction_unavailable",
    "privacy_leak",
    "hidden_links",
    "tamper_suspected",
)
# --- issue 16: the site requirements of 国办发〔2017〕47号 (rules/site_profile.py) -----------------
SITE_RULE_IDS = (
    "site_https",
    "site_certificate",
    "site_gov_domain",
    "site_identity",
    "site_ipv6",
    "site_mobile",
    "site_search",
    "site_accessibility",
)
RULE_IDS = RULE_IDS + SITE_RULE_IDS
# --- end issue 16 ---------------------------------------------------------------------------
PLATFORMS = ("website", "weibo", "wechat")
# --- issue 16: the other new-media platforms, read through feeds and posts CSVs ------------------
FEED_PLATFORMS = ("toutiao", "douyin", "kuaishou", "channels", "xiaohongshu", "bilibili", "other")
PLATFORMS = PLATFORMS + FEED_PLATFORMS
ROBOT_KINDS = ("dingtalk", "wecom", "feishu", "webhook")  # IM channels (issue 17)
# --- end issue 16 ---------------------------------------------------------------------------


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
        "allowed_private_networks": Key([], "networks reachable although not public, e.g. [\"10.8.0.0/16\"] for intranet sites"),
        "fetch_deadline_seconds": Key(60.0, "one fetch with all its redirects, retries and waits ends within this (wall clock)"),
        "user_agent": Key(f"mediawatch/{__version__} (+office contact)", "names the tool and the office to site owners"),
        "ca_file": Key("", "a PEM bundle of trusted CA certificates used instead of the default ones (intranet CAs, "
                           "tests); the certificate check of site_profile trusts it too"),
    },
    "crawl": {
        "max_pages": Key(200, "19号 可用性: inner pages sampled per website"),
        "max_inner_broken_links": Key(0, "broken links on inner pages above this count fail broken_links"),
        "link_workers": Key(16, "link checks in flight at once across all hosts"),
        "check_external_links": Key(True, "links to other hosts are checked (never crawled)"),
        "max_page_bytes": Key(2_000_000, "HTML pages read for links, dates and typos are cut at this size"),
        "way_in_max_hops": Key(3, "a home page that is only a way in (redirect, frames, 引导页) is followed this many steps, inside its registered domain"),
        "script_sources_max": Key(2, "JS/JSON sources read for a list written by script"),
        "column_fallback_pages": Key(6, "19号: a home page with no dated entry is judged by the columns it links to; this many are read"),
        "max_links_per_page": Key(5_000, "links read from one page at most (a portal home page has a few hundred); "
                                  "the rest are not checked and the page is listed as capped"),
        "reading_process": Key(True, "large crawls read their pages in a second process (the second core)"),
        "reading_process_pages": Key(64, "a crawl that plans more inner pages than this reads the rest in the run's "
                                     "page-reading process (0: all but the home page)"),
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
                "not_updated": ["weibo", "wechat", *FEED_PLATFORMS],
                "homepage_not_updated": ["website"],
                "column_stale": ["website"],
                "blank_column": ["website"],
                "unavailable": ["website"],
                "broken_links": ["website", "weibo", "wechat", *FEED_PLATFORMS],
                "severe_typo": ["website", "weibo", "wechat", *FEED_PLATFORMS],
                "name_mismatch": ["weibo", "wechat", *FEED_PLATFORMS],
                "not_verified": ["weibo"],
                "account_gone": ["weibo", "wechat", *FEED_PLATFORMS],
                # issue 16: each site requirement (国办发〔2017〕47号) is a rule; drop "website" to turn one off
                **{rule: ["website"] for rule in SITE_RULE_IDS},
                "interaction_unanswered": ["website"],
                "interaction_unavailable": ["website"],
                "privacy_leak": ["website", "weibo", "wechat", *FEED_PLATFORMS],
                "hidden_links": ["website"],
                "tamper_suspected": ["website"],
            },
            "which rules apply to which platform (design.md rules table)",
        ),
        "confirm_first": Key(["tamper_suspected"],
                             "issue 15: these rules open a warning pending the office's confirmation (warnings confirm)"),
        "warn": Key(
            # issue 16: site requirements are findings (recorded, in the bulletin's 网站基本要求 table), not
            # warnings, except an expired certificate
            {rule: rule not in SITE_RULE_IDS or rule == "site_certificate" for rule in RULE_IDS},
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
        "platforms": Key(["website", "weibo", "wechat", *FEED_PLATFORMS], "platforms the closure rule applies to"),
        # issue 16
        "counted_site_rules": Key([], "site requirement rules (site_*) whose warnings count toward the closure rule; "
                                      "none by default (国办发〔2017〕47号 items are findings)"),
    },
    "canary": {
        "urls": Key([], "reference URLs that must load for a run to count"),
        "max_network_failure_ratio": Key(0.5, "a run whose checks fail at the network level above this share is degraded"),
        "min_checks": Key(4, "the ratio above is judged only from this many checks on"),
        "dns_failure_domains": Key(10, "links failing name resolution on this many unrelated domains in one run: "
                                   "our resolver is asked for dns_hosts"),
        "dns_hosts": Key(["www.gov.cn", "www.baidu.com", "www.qq.com"],
                         "public names our resolver must know; none resolving (with the failures above) makes the "
                         "run degraded. Set names the office's network reaches; [] judges on the failures alone"),
    },
    "typos": {
        "use_default_dictionary": Key(True, "the shipped dictionary of severe errors (state's name, political formulas)"),
        "extra_dictionaries": Key([], "UTF-8 CSV files with columns wrong,right (right empty: a forbidden word)"),
        "context_chars": Key(20, "characters of text kept on each side of a hit as evidence"),
        "max_hits_per_page": Key(20, "hits kept per page or post (the rest are counted, not listed)"),
    },
    # --- issue 15: 互动回应差 and 安全 (sources in the README's rules table) -----------------------
    "interaction": {
        "max_answer_days": Key(90, "19号 互动回应差: 留言办理超过3个月未回复 (veto), also answers given after more than this"),
        "lookback_days": Key(365, "19号: messages asked within the past year are judged; no message for this long: unavailable"),
        "max_detail_pages": Key(10, "detail pages opened per interaction column and run at most (newest first; answered ones cached)"),
        "max_listed": Key(50, "messages listed in a warning's evidence at most"),
    },
    "privacy": {
        "scan_attachments": Key(True, "个人信息保护法; 19号 安全: read linked xls/xlsx/et/docx/wps/pdf files for personal data"),
        "max_attachments_per_site": Key(20, "attachments read per website and run at most (the newest pages' first)"),
        "max_attachment_bytes": Key(10_000_000, "a larger attachment is skipped with a note, never read half"),
        "attachment_downloads": Key(2, "issue 14: the attachments of one site downloading at once (on the run's loop) weigh "
                                       "at most this many times max_attachment_bytes, each counted at the length its "
                                       "HEAD announced: this many of the largest, more of smaller ones; held until "
                                       "read; their HEADs go at once, per-host limits apply"),
        "attachment_seconds": Key(10.0, "time budget to read one attachment's text; past it the rest is skipped with a note"),
        "max_cells": Key(200_000, "spreadsheet cells read per attachment at most"),
        "max_pdf_pages": Key(200, "PDF pages read per attachment at most"),
        "isolate_reading": Key(True, "read large attachments in a child process, killed past attachment_seconds (a hard bound)"),
        "isolate_above_bytes": Key(2_000_000, "attachments larger than this are read in the child process"),
        "isolate_unpacked_bytes": Key(20_000_000,
                                      "office files whose zip declares more than this unpacked are read in the child process"),
        "attachment_memory_mb": Key(512, "memory ceiling of that child process; a file needing more is skipped with a note"),
        "min_mobiles_per_document": Key(
            3, "a page naming one or two contact numbers is normal; this many distinct mobiles is a list of people"),
        "allowed_numbers": Key([], "numbers published on purpose (the office's and units' own): never a hit"),
        "contact_labels": Key(["联系电话", "咨询电话", "联系方式", "联系人", "服务电话", "监督电话", "举报电话", "办公电话",
                               "值班电话", "热线", "传真"],
                              "a mobile right after one of these is a published contact: not counted as a list of people"),
        "not_personal_labels": Key(["统一社会信用代码", "信用代码", "组织机构代码", "纳税人识别号", "税号", "注册号", "文号", "编号", "批准号"],
                                   "a label just before a number that shows it is not a person's"),
        "card_labels": Key(["卡号", "银行卡", "银行账号", "银行帐号", "账号", "帐号", "社保卡", "存折", "折号"],
                           "a card number counts only with one of these labels just before it"),
        "unit_account_labels": Key(["对公", "单位账户", "单位帐户", "开户单位", "收款单位", "户名：", "国库", "财政专户"],
                                   "a unit's bank account, not a person's"),
        "context_chars": Key(12, "characters kept on each side of a hit as evidence (numbers in it masked)"),
        "max_hits_per_document": Key(20, "hits kept per page, post or file"),
    },
    "hidden_links": {
        "allowed_domains": Key([".gov.cn"], "19号 安全: off-site links to these domains (and the site's own) are never reported"),
        "use_default_dictionary": Key(True, "the shipped dictionary of gambling, porn and scam words (mediawatch/data/illegal_sites.csv)"),
        "extra_dictionaries": Key([], "UTF-8 CSV files with columns word,kind (kind: gambling, porn, scam, other)"),
        "max_listed": Key(50, "links listed in a warning's evidence at most"),
    },
    "tamper": {
        "frame_change_ratio": Key(0.6, "页面篡改: the share of the home page's frame text lines that changed to count as wholesale"),
        "min_frame_lines": Key(5, "a baseline with fewer frame lines is too small to judge a change of text"),
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
        "run_budget_minutes": Key(600.0, "a check run stops (interrupted, resumed next time) after this long, so a "
                                  "stuck run never blocks the next day's"),
        "stop_grace_seconds": Key(30.0, "on SIGTERM, requests in flight are cut after this long"),
    },
    "console": {
        "host": Key("127.0.0.1", "address `mediawatch serve` binds by default; put nginx with HTTPS in front (README)"),
        "port": Key(8080, "port `mediawatch serve` listens on by default"),
        "secure_cookies": Key(False, "true behind HTTPS: the session cookie is sent over HTTPS only (Secure)"),
        "session_hours": Key(8.0, "a login lasts this long (one working day), then the user signs in again"),
        "min_password_length": Key(10, "shortest password `users add`/`users passwd` accept (NIST SP 800-63B asks for at least 8)"),
        "login_max_failures": Key(5, "failed logins from one address or for one name within the window before refusing"),
        "login_window_seconds": Key(900, "the window of the login limit (OWASP: throttle repeated failures)"),
        "max_upload_bytes": Key(2_000_000, "largest accounts.csv/columns.csv accepted by upload (a province's registry is ~1 MB)"),
        "page_size": Key(50, "rows per page in the warnings and accounts lists"),
        "new_warning_hours": Key(24, "the today page lists warnings opened within this many hours as new (日清日结)"),
        "recent_checks": Key(30, "checks shown on an account's page"),
        "sparkline_days": Key(90, "days of posting frequency drawn in an account's sparkline"),
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
    # --- reaching the owners (issue 17) ---
    "reminders": {
        "remind_after_days": Key(10, "预提醒: a new-media account or home page silent this many days of its 14-day limit is reminded"),
        "column_share": Key(0.8, "预提醒: a column whose silence reaches this share of its category's limit is reminded"),
        "deadline_days_before": Key(2, "预提醒: an open warning whose rectification deadline is this many days away"),
        "certificate_days": Key(30, "预提醒: a site certificate expiring within this many days (site_profile observation)"),
        "enabled": Key(True, "false: no reminders are computed or sent"),
    },
    "channels": {
        "quiet_start": Key("20:00", "no IM message (DingTalk, WeCom, Feishu, webhook) from this local time ..."),
        "quiet_end": Key("08:00", "... until this one; held messages go out at the first call after it (mail is not held)"),
        "timeout_seconds": Key(10.0, "HTTP timeout of one IM send"),
        "escalate": Key(True, "a warning past its deadline is sent again to the owner and to its supervisor_unit, once"),
        "robots": Key({}, "IM robots by name: [channels.robots.NAME] kind = dingtalk|wecom|feishu|webhook, "
                          "url_env = env var holding the webhook URL, secret_env = env var holding the signing secret"),
    },
    "maintenance": {
        "max_days": Key(90, "报备: the longest window the office may approve"),
    },
    "feedback": {
        "max_file_mb": Key(20, "整改反馈: the largest attachment kept (screenshots, scanned replies)"),
    },
    "evidence": {
        "screenshots": Key(True, "a full-page PNG of the page when a website warning opens (headless Chromium)"),
        "chromium_path": Key("/usr/bin/chromium", "the browser Playwright drives"),
        "timeout_seconds": Key(20.0, "one screenshot at most this long; then the warning opens without one"),
        "max_per_run": Key(20, "screenshots taken in one check run at most (each costs seconds)"),
        "rules": Key(["homepage_not_updated", "blank_column", "column_stale", "severe_typo", "broken_links",
                      "privacy_leak", "hidden_links", "tamper_suspected"],
                     "website rules whose warnings get a screenshot (19号 veto and safety rules; not 'unavailable': "
                     "a page that does not load only costs the timeout)"),
    },
    "imports": {
        "max_rows": Key(20_000, "rows in one imported CSV at most (a county registers hundreds of accounts); "
                        "a bigger file is refused while it is read, never loaded whole"),
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


# --- issue 16: the 19号 verdict, site requirements, the other platforms --------------------------
DEFAULTS.update({
    "feeds": {
        "delay_seconds": Key(5.0, "toutiao, douyin, kuaishou, channels, xiaohongshu, bilibili, other (through feeds or "
                                  "posts CSVs): pause between requests to one feed host (with jitter)"),
        "concurrency": Key(1, "requests in flight at once to one feed host"),
        "max_requests_per_run": Key(0, "cap on feed requests of these platforms in one run; 0 = no cap"),
        "stop_after_blocks": Key(3, "after this many blocked answers in a row from one host, stop asking it; 0 = never"),
        "lookback_days": Key(30, "posts of this many days are read from the feed or CSV"),
        "name_decorations": Key(
            {"toutiao": ["的头条主页 - 今日头条(www.toutiao.com)", " - 今日头条", "的头条号"], "douyin": ["的抖音"],
             "kuaishou": ["的快手"], "channels": ["的视频号"],
             "xiaohongshu": [" - 笔记 • 小红书 / RED", " - 收藏 • 小红书 / RED", " - 小红书"],
             "bilibili": [" 的 bilibili 空间"], "other": []},
            "what RSSHub routes add to an account's name in the feed title (toutiao: ${name}的头条主页 - 今日头条"
            "(www.toutiao.com); xiaohongshu: ${name} - 笔记 • 小红书 / RED; bilibili: ${name} 的 bilibili 空间; older "
            "douyin: ${name}的抖音); removed before name_mismatch compares"),
        "nameless_suffixes": Key(
            {"toutiao": [], "douyin": [], "kuaishou": ["的作品 - 快手"], "channels": [], "xiaohongshu": [],
             "bilibili": [], "other": []},
            "a feed title ending so states an id, not a name (RSSHub kuaishou without the user's info: "
            "${principalId}的作品 - 快手): name_mismatch is unknown"),
    },
    "verdict19": {
        "dynamic_categories": Key(["news", "notice", "policy"],
                                  "19号 栏目不更新 (1): 动态、要闻类 (2周) and 通知公告、政策文件类 (6个月) columns"),
        "stale_dynamic_columns_min": Key(5, "19号 栏目不更新 (1): ... 累计超过（含）5个未更新"),
        "stale_columns_min": Key(10, "19号 栏目不更新 (2): 网站中应更新但长期未更新的栏目数超过（含）10个"),
        "blank_columns_min": Key(5, "19号 栏目不更新 (3): 空白栏目数量超过（含）5个"),
        "website_items": Key(
            {"unavailable": "站点无法访问", "homepage_not_updated": "网站不更新", "columns": "栏目不更新",
             "severe_typo": "严重错误", "interaction_unanswered": "互动回应差", "privacy_leak": "安全、泄密事故等严重问题",
             "hidden_links": "安全、泄密事故等严重问题"},
            "19号 政府网站 单项否决 items, in the order they are judged: rule id (or 'columns') -> the item's words "
            "(an empty text: not judged)"),
        "new_media_items": Key(
            {"account_gone": "内容不更新", "not_updated": "内容不更新", "severe_typo": "严重表述错误",
             "privacy_leak": "安全、泄密事故等严重问题"},
            "19号 政务新媒体 单项否决 items: rule id -> the item's words (a banned or cancelled account shows no "
            "update within the 2 weeks; an empty text: not judged)"),
    },
    "score19": {
        "full_marks": Key(100, "19号 指标说明: 扣分指标分值为100分"),
        "fail_below": Key(60, "19号 指标说明: 未出现单项否决情形的，对扣分指标评分，结果低于60分的判定为不合格"),
        "no_service_full": Key(75, "19号 指标说明: 不具有对外服务职能的部门网站不检查办事服务指标，扣分指标按75分计，"
                                   "得分再乘以4/3"),
        "service_indicator": Key("办事服务", "the indicator not checked for a department site without external services"),
        "no_service_accounts": Key([], "website account ids of department sites without external services (19号: "
                                       "不检查办事服务指标)"),
        "indicators": Key({}, "the office's table of 19号 扣分指标: indicator -> its total (各指标扣分之和不超过该指标总分), "
                              "e.g. {\"办事服务\" = 25, ...}; empty: any indicator name is taken and only the service "
                              "indicator is capped (its total is full_marks - no_service_full = 25, from the 75-point rule)"),
        "machine_items": Key(
            {"home_broken_link": {"indicator": "功能设置", "points": 0.0},
             "inner_broken_link": {"indicator": "功能设置", "points": 0.0},
             "stale_column": {"indicator": "发布解读", "points": 0.0},
             "blank_column": {"indicator": "发布解读", "points": 0.0},
             "site_search": {"indicator": "功能设置", "points": 0.0},
             "site_identity": {"indicator": "功能设置", "points": 0.0}},
            "扣分 the machine sees, per occurrence at the month's worst check: a broken link on the home page / on "
            "another page, a column not updated within its limit / a blank "
            "column (not exempted), no site search, an incomplete footer identity block; points 0 = not scored (the "
            "default: the office sets each from 19号's 扣分 table)"),
    },
    "site_profile": {
        "certificate_warn_days": Key(30, "a certificate expiring within this many days is a finding; an expired one "
                                         "is a warning (site_certificate); one that does not verify is a finding"),
        "timeout_seconds": Key(10.0, "TLS handshake and IPv6 fetch time limit"),
        "ipv6_fetch": Key(True, "fetch the home page over IPv6 when this machine has an IPv6 route (else: unknown)"),
        "identity_items": Key(["site_code", "icp", "police_record", "dzjg_mark", "sponsor", "jiucuo"],
                              "国办发〔2017〕47号 footer identity block: 网站标识码, ICP备案号, 公安机关备案号, 党政机关网站"
                              "标识, 主办单位 (matching the registry's owner unit), 我为政府网站找错"),
        "accessibility_min_score": Key(75, "适老化/无障碍 basics scored 0-100 (lang, alt on images, labels on form "
                                           "fields, an 无障碍/长者 entry: 25 each); below this is a finding"),
    },
})
# --- end issue 16 ---------------------------------------------------------------------------


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
    from mediawatch.config_checks import check_values  # the values' checks beyond their types

    problems.extend(check_values(base, source))
    if problems:
        raise ConfigError("\n".join(problems))
    return base


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
        named = []  # tables of named entries ([channels.robots.NAME]): a header, last, so the office can add them
        for key, spec in keys.items():
            if isinstance(spec.default, dict) and not spec.default:
                named.append((key, spec))
                continue
            lines.append(f"# {spec.comment}")
            lines.append(f"{key} = {_toml_value(spec.default)}")
        for key, spec in named:
            lines.append(f"# {spec.comment}")
            lines.append(f"[{section}.{key}]")
        lines.append("")
    return "\n".join(lines)
