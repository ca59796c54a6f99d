"""Rule ids, their Chinese names (notices, bulletins) and the evidence each one records.

Evidence shapes (``warnings.evidence``, JSON):

not_updated           latest_post_at (ISO or null), days_since, threshold_days, source, count_7d, count_14d,
                      count_30d, no_posts, pinned_ignored: [{id, at}]
homepage_not_updated  url, newest_date (YYYY-MM-DD or null), days_since, threshold_days, items, dated_items;
                      when present: followed [{kind, from, to, reason}] (ways in to the real home page),
                      date_from ("script" | "columns"), columns_read [{url, newest_date, items, dated_items}]
column_stale          columns: [{column, url, category, newest_date, days_since, threshold_days, items}]
blank_column          columns: [{column, url, category}]
unavailable           window_days, probes, failed, ratio, threshold, failures: [{at, status, error_kind}] (latest 20)
broken_links          count, pages_crawled, links_checked, broken: [{page, url, text, tag, status, error_kind,
                      on_homepage, post_id, post_url}]
severe_typo           hits: [{page, wrong, right, context, post_id}]
name_mismatch         registered, reported
not_verified          screen_name, verified
account_gone          reason, detail
interaction_unanswered threshold_days, judged, unresolved, count, messages: [{column, title, url, asked, answered,
                      days, state (answered_late | unanswered)}], unchecked
interaction_unavailable columns: [{column, url, reason (unreachable | no_messages), status, newest_asked}]
privacy_leak          count, hits: [{page, attachment, where, kind, masked, context, post_id}] (never a full
                      number), attachments_read, attachments_skipped: [{url, page, note}]
hidden_links          count, hits: [{page, url, host, text, why, trick, words}], review, pages_scanned
tamper_suspected      url, new_hosts, changed, wholesale, gone_lines, new_lines, script_hosts, frame_lines
                      (a pending warning until the office confirms it)
external (imported)   reason, source, external_id, issued_at
Every evidence dict also carries ``checked_at`` (ISO) of the check it came from.
"""

from __future__ import annotations

RULE_TITLES: dict[str, str] = {
    "not_updated": "内容不更新",
    "homepage_not_updated": "首页不更新",
    "column_stale": "栏目不更新",
    "blank_column": "空白栏目",
    "unavailable": "站点无法访问",
    "broken_links": "链接不可用",
    "severe_typo": "严重表述错误",
    "name_mismatch": "账号名称不一致",
    "not_verified": "未认证",
    "account_gone": "账号被封禁或注销",
    "external": "上级平台预警",
    # issue 15
    "interaction_unanswered": "互动回应差",
    "interaction_unavailable": "互动栏目不可用",
    "privacy_leak": "泄露个人隐私",
    "hidden_links": "暗链或非法外链",
    "tamper_suspected": "疑似页面篡改",
}

PLATFORM_TITLES: dict[str, str] = {"website": "政府网站", "weibo": "政务微博", "wechat": "政务微信公众号"}
# issue 16: the other new-media platforms, and the site requirements (国办发〔2017〕47号)
PLATFORM_TITLES.update({"toutiao": "政务头条号", "douyin": "政务抖音号", "kuaishou": "政务快手号", "channels": "政务视频号",
                        "xiaohongshu": "政务小红书号", "bilibili": "政务哔哩哔哩号", "other": "其他政务新媒体"})
RULE_TITLES.update({"site_https": "未启用HTTPS", "site_certificate": "证书过期或无效", "site_gov_domain": "未使用gov.cn域名",
                    "site_identity": "网站标识信息不全", "site_ipv6": "未支持IPv6", "site_mobile": "未适配移动终端",
                    "site_search": "未提供搜索功能", "site_accessibility": "适老化无障碍不达标"})

STATUS_TITLES: dict[str, str] = {"open": "未整改", "resolved": "已整改", "revoked": "已撤销"}


def rule_title(rule: str) -> str:
    return RULE_TITLES.get(rule, rule)
