"""``mediawatch explain URL``: how the website check reads one page, for an office answering a unit's
dispute in a minute.

It runs the website checker itself (checkers/website.py, no second implementation) on the URL, or on
a registered account's home page and columns (``--account``), then shows: the decoding used, the
HTTP redirects and the ways in followed (redirect stubs, frames, 引导页), each entry with its date
and the element the date came from, what was set aside as chrome and why, the page's metadata, the
links found by kind, and the verdict each website rule gives on what was seen. Inner pages are not
crawled (``crawl.max_pages`` = 0): broken_links speaks for the links of the page itself.

JSON (``--format json``): url, account_id, as_of, fetch {status, content_type, encoding, bytes,
redirects}, final_url, followed [{kind, from, to, reason}], challenge, unknown_reason, date_from,
meta, entries [{title, url, date, date_source, not_dates}], newest_date, items, dated_items,
set_aside [{element, reason, links}], wrappers_kept, columns_read, columns [{column, url, category,
newest_date, items, ok, error}], links [{url, kind}], links_by_kind, broken [...], verdicts
{rule id: {verdict, message}}.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from mediawatch.checkers.base import AccountSpec, CheckContext, close_shared
from mediawatch.checkers.privacy import scrub
from mediawatch.checkers.website import _SiteCheck
from mediawatch.pages.page import decoded
from mediawatch.transport.fetcher import Fetcher
from mediawatch.rules import evaluate
from mediawatch.rules.base import RuleInput, StoredObservation
from mediawatch.rules.catalog import rule_title

MAX_ENTRIES = 200  # entries listed (the count is always whole)


def explain(url: str | None, config, now: datetime, account: AccountSpec | None = None) -> dict:
    """The explanation of one website page (see the module docstring)."""
    config = config.with_overrides({"crawl": {"max_pages": 0}})
    spec = account or AccountSpec(pk=0, account_id="-", platform="website", name="", owner_unit="", url=url)
    if url and account is not None and url != account.url:
        spec = AccountSpec(pk=account.pk, account_id=account.account_id, platform="website", name=account.name,
                           owner_unit=account.owner_unit, url=url, columns=account.columns)
    ctx = CheckContext(config=config, now=now, fetcher=Fetcher(config))
    check = _SiteCheck(spec, ctx)
    try:
        observations = check.run()
        report = _report(spec, check, observations, now)
        stored = [StoredObservation(o.kind, o.ok, o.target, o.error_kind, o.error, dict(o.data)) for o in observations]
        given = RuleInput(spec.account_id, "website", spec.name, now, config, stored)
        report["verdicts"] = {v.rule: {"verdict": v.outcome, "message": v.message, "title": rule_title(v.rule)}
                              for v in evaluate(given)}
        return report
    finally:
        close_shared(ctx.extras)


def account_spec(app, account_id: str) -> AccountSpec:
    """A registered website account as the checker sees it (BadInput when there is none)."""
    from sqlalchemy import select

    from mediawatch.errors import BadInput
    from mediawatch.runner import _spec
    from mediawatch.store.models import Account

    with app.store.session() as session:
        account = session.execute(select(Account).where(Account.account_id == account_id)).scalar_one_or_none()
        if account is None:
            raise BadInput(f"--account {account_id}: no such account in the registry")
        if account.platform != "website":
            raise BadInput(f"--account {account_id}: a {account.platform} account; explain reads websites")
        return _spec(account)


def _report(spec: AccountSpec, check: _SiteCheck, observations: list, now: datetime) -> dict:
    home = next(o for o in observations if o.kind == "homepage")
    first = check.page(spec.url).result()
    report: dict = {
        "url": spec.url, "account_id": None if spec.account_id == "-" else spec.account_id, "as_of": now.isoformat(),
        "fetch": {"status": first.status, "content_type": first.headers.get("content-type"),
                  "encoding": decoded(first).encoding if first.body_read and first.content else None,
                  "bytes": len(first.content), "truncated": first.truncated, "redirects": list(first.redirects),
                  "error": first.error if first.error_kind else None},
        "final_url": home.data.get("final_url") or first.final_url,
        "ok": home.ok, "error_kind": home.error_kind, "error": home.error,
    }
    reading = check.home_reading
    if reading is None:
        report.update(followed=[], challenge=None, unknown_reason=None, date_from=None, meta={}, entries=[],
                      newest_date=None, items=None, dated_items=None, set_aside=[], wrappers_kept=[],
                      columns_read=[])
    else:
        page = reading.page
        entries = page.entries if page else []
        report.update(
            followed=reading.followed, challenge=reading.challenge, unknown_reason=reading.unknown_reason,
            date_from=reading.date_from if page is not None and home.ok else None, meta=page.meta if page else {},
            entries=[e.as_data() for e in entries[:MAX_ENTRIES]],
            newest_date=reading.summary.newest_date.isoformat() if reading.summary.newest_date else None,
            items=reading.summary.items, dated_items=reading.summary.dated_items,
            set_aside=[{"element": a.element, "reason": a.reason, "links": a.links} for a in (page.set_aside if page else [])],
            wrappers_kept=page.wrappers if page else [], columns_read=reading.columns_read)
    report["columns"] = [{"column": o.data.get("column"), "url": o.target, "category": o.data.get("category"),
                          "newest_date": o.data.get("newest_date"), "items": o.data.get("items"), "ok": o.ok,
                          "error": o.error or o.data.get("unknown_reason")} for o in observations if o.kind == "column"]
    links = check.home_links
    report["links"] = [{"url": link.url, "kind": link.tag} for link in links]
    report["links_by_kind"] = dict(Counter(link.tag for link in links).most_common())
    link_obs = next((o for o in observations if o.kind == "links"), None)
    report["broken"] = list(link_obs.data.get("broken") or []) if link_obs is not None and link_obs.ok else []
    # what the 安全, 互动 and site-requirement checks saw on the pages read (numbers masked, as stored)
    report["findings"] = scrub([{"kind": o.kind, "target": o.target, "ok": o.ok, "error": o.error, "data": dict(o.data)}
                                for o in observations if o.kind in FINDING_KINDS])
    return report


FINDING_KINDS = ("interaction", "privacy", "hidden_links", "tamper", "site_profile")
FINDING_NAMES = {"interaction": "互动交流", "privacy": "个人信息", "hidden_links": "暗链与外链", "tamper": "页面框架（防篡改基线）",
                 "site_profile": "网站基本要求"}


def _finding_line(finding: dict) -> str:
    data, name = finding["data"], FINDING_NAMES.get(finding["kind"], finding["kind"])
    if not finding["ok"]:
        return f"{name}：未能读取（{finding['error']}）"
    if finding["kind"] == "interaction":
        return f"{name}：{finding['target']} 读到留言 {len(data.get('messages') or [])} 条"
    if finding["kind"] == "privacy":
        return f"{name}：疑似泄露 {len(data.get('hits') or [])} 处（号码已遮盖），读取附件 {data.get('attachments_read', 0)} 个"
    if finding["kind"] == "hidden_links":
        return f"{name}：隐藏或非法链接 {len(data.get('hits') or [])} 个，待复核外链域名 {len(data.get('review') or [])} 个"
    if finding["kind"] == "tamper":
        return f"{name}：外部脚本/框架来源 {len(data.get('script_hosts') or [])} 个，框架文字 {len(data.get('frame_lines') or [])} 行"
    return f"{name}：" + "，".join(f"{k}={v}" for k, v in data.items() if isinstance(v, (str, int, float, bool)))[:300]


def render_text(report: dict) -> str:
    """The explanation for a person (Chinese labels; the JSON carries the same)."""
    out = [f"网址：{report['url']}" + (f"（账号 {report['account_id']}）" if report.get("account_id") else ""),
           f"检查时间：{report['as_of']}"]
    fetch = report["fetch"]
    if fetch["status"] is None:
        out.append(f"抓取：无应答（{fetch.get('error') or '未知错误'}）")
    else:
        out.append(f"抓取：HTTP {fetch['status']}，{fetch['content_type'] or '无类型'}，解码 {fetch['encoding']}，"
                   f"{fetch['bytes']} 字节" + ("（已截断）" if fetch.get("truncated") else ""))
    for hop in fetch["redirects"]:
        out.append(f"  HTTP 跳转 → {hop}")
    for hop in report["followed"]:
        out.append(f"  入口跟随（{hop['reason']}）：{hop['from']} → {hop['to']}")
    out.append(f"实际读取页面：{report['final_url']}")
    if not report["ok"]:
        out.append(f"未能读取：{report['error_kind']}：{report['error']}")
    if report.get("challenge"):
        out.append(f"防护验证页：{report['challenge']}（不是网站本身的内容，检查记为失败）")
    if report.get("unknown_reason"):
        out.append(f"无法判断：{report['unknown_reason']}")
    if report.get("meta"):
        out.append("页面元数据：" + "，".join(f"{k}={v}" for k, v in report["meta"].items()))
    source = {"page": "页面条目", "script": "脚本数据", "columns": "首页链接的栏目页"}.get(report.get("date_from") or "", "")
    out.append(f"条目：{report['items']} 条，带日期 {report['dated_items']} 条，最新日期 {report['newest_date']}"
               + (f"（取自{source}）" if source else ""))
    for entry in report["entries"]:
        if entry["date"]:
            out.append(f"  {entry['date']}  {entry['title']}  ← {entry['date_source']}")
    undated = [e for e in report["entries"] if not e["date"]]
    if undated:
        out.append(f"  无日期条目 {len(undated)} 条，如：" + "；".join(e["title"] for e in undated[:5]))
    sentences = sorted({d for e in report["entries"] for d in e.get("not_dates") or []})
    if sentences:
        out.append("  标题或正文句中的日期（不作为条目日期）：" + "、".join(sentences[:10]))
    for column in report["columns_read"]:
        out.append(f"  栏目 {column['url']}：最新 {column.get('newest_date')}")
    for aside in report["set_aside"]:
        out.append(f"略去：{aside['element']}（{aside['reason']}，{aside['links']} 个链接）")
    for wrapper in report["wrappers_kept"]:
        out.append(f"保留：{wrapper}：名称像页面框架，实为版式容器，其中条目照常读取")
    for column in report["columns"]:
        out.append(f"登记栏目 {column['column']}（{column['category']}）：最新 {column['newest_date']}"
                   + ("" if column["ok"] and not column["error"] else f"，{column['error']}"))
    out.append("链接：" + "，".join(f"{kind} {n}" for kind, n in report["links_by_kind"].items()))
    for broken in report["broken"]:
        out.append(f"  失效：{broken['url']}（{broken.get('error') or broken.get('error_kind')}）{broken.get('text') or ''}")
    for finding in report.get("findings", []):
        out.append(_finding_line(finding))
    out.append("各规则结论：")
    names = {"pass": "通过", "fail": "不通过", "unknown": "无法判断"}
    for rule, verdict in report["verdicts"].items():
        out.append(f"  {rule}（{verdict['title']}）：{names.get(verdict['verdict'], verdict['verdict'])}"
                   + (f" — {verdict['message']}" if verdict["message"] else ""))
    return "\n".join(out)
