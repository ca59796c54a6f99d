"""The real-artifact corpus (tests/data/real/): every artifact through the code a check uses, scored against its truth.

Each artifact in ``tests/data/real/manifest*.toml`` is served in its original bytes from a local
server over real HTTP (an HTML page with a ``Content-Type`` that names no charset, as many
government servers send it) and read by the real checker or source: the website checker and the
``homepage_not_updated`` rule for pages, the WeChat/Weibo checkers with their ``feed``,
``wechat_json`` and ``weibo_api`` sources for feeds and answers, ``read_article`` for WeChat article
pages. One case per artifact compares the result with the truth a person set by reading it.

An artifact the current code gets wrong carries ``known_miss = "reason"`` in the manifest and runs
as ``xfail(strict=True)``: a fix that makes it pass turns the case red until the manifest is updated.
The last test prints the score and asserts the share of passing artifacts is at least the
manifest's ``floor``.
"""

from __future__ import annotations

import tomllib
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from mediawatch import clock
from mediawatch import config as config_mod
from mediawatch.checkers.base import AccountSpec, CheckContext, ColumnSpec
from mediawatch.checkers.sources.client import PlatformClient
from mediawatch.checkers.sources.wechat_article import read_article
from mediawatch.checkers.website import WebsiteChecker
from mediawatch.checkers.wechat import WechatChecker
from mediawatch.checkers.weibo import WeiboChecker
from mediawatch.transport.fetcher import Fetcher
from mediawatch.rules.base import FAIL, RuleInput, StoredObservation
from mediawatch.rules.freshness import HomepageNotUpdated
from mediawatch.simulation.server import LocalServer, Reply, Request

REAL = Path(__file__).resolve().parent / "data" / "real"
WEBSITE_KINDS = {"homepage", "column", "interaction", "entry", "redirect", "frameset", "challenge"}
KINDS = WEBSITE_KINDS | {"weibo_posts", "weibo_profile", "wechat_article", "feed", "wechat_json"}
CONTENT_TYPES = {  # what such servers send; HTML without a charset, so the page's own meta decides
    ".html": "text/html", ".htm": "text/html", ".shtml": "text/html", ".xml": "text/xml",
    ".json": "application/json; charset=utf-8",
}


@dataclass
class Artifact:
    file: str
    kind: str
    source: str
    captured: str
    as_of: str
    truth: dict[str, Any]
    encoding: str = "utf-8"
    url: str | None = None
    uid: str | None = None
    platform: str | None = None
    known_miss: str | None = None
    manifest: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def path(self) -> Path:
        return REAL / self.file

    @property
    def now(self) -> datetime:
        return datetime.combine(date.fromisoformat(self.as_of), time(23, 59, 59), tzinfo=clock.SHANGHAI)  # the end of the check day


def load_manifests() -> tuple[list[Artifact], float]:
    artifacts: list[Artifact] = []
    floor = 0.0
    for manifest in sorted(REAL.glob("manifest*.toml")):
        data = tomllib.loads(manifest.read_text(encoding="utf-8"))
        if manifest.name == "manifest.toml":
            floor = float(data.get("floor", 0.0))
        for entry in data.get("artifact", []):
            known = {k: entry.pop(k) for k in list(entry) if k in Artifact.__dataclass_fields__ and k != "extra"}
            artifacts.append(Artifact(**known, manifest=manifest.name, extra=entry))
    return artifacts, floor


ARTIFACTS, FLOOR = load_manifests()
RESULTS: dict[str, tuple[bool, str]] = {}


def test_manifest_is_whole():
    """Every artifact cited, dated, of a known kind, with a truth; every file under real/ listed once."""
    files = [a.file for a in ARTIFACTS]
    assert len(files) == len(set(files)), "an artifact is listed twice"
    for a in ARTIFACTS:
        assert a.kind in KINDS, (a.file, a.kind)
        assert a.path.is_file(), a.file
        assert a.source and a.captured and a.truth, a.file
        date.fromisoformat(a.captured), date.fromisoformat(a.as_of)
    for a in ARTIFACTS:  # pages served beside an artifact (an interaction list's message pages)
        for page in a.extra.get("pages", []):
            assert page["path"].startswith("/") and page["source"] and (REAL / page["file"]).is_file(), page
            files.append(page["file"])
    on_disk = {p.relative_to(REAL).as_posix() for p in REAL.rglob("*") if p.is_file() and p.parent != REAL}
    assert on_disk == set(files), sorted(on_disk ^ set(files))


# --- serving ------------------------------------------------------------------------------


def _path_for(a: Artifact) -> str:
    """Where the artifact is served: its own address's path when known (relative links resolve as on the site)."""
    if a.url and a.kind in WEBSITE_KINDS | {"wechat_article"}:
        parts = urlsplit(a.url)
        path = parts.path or "/"
        return f"/{zlib.crc32(a.file.encode()):08x}{path}"  # one folder per artifact, so two sites' "/" differ
    return f"/real/{a.file}"


def _page_path(a: Artifact, path: str) -> str:
    """Where a page saved beside ``a`` is served: at its own path on the same served site."""
    return f"/{zlib.crc32(a.file.encode()):08x}{path}"


def _weibo_base(a: Artifact) -> str:
    """Each Weibo artifact is its own m.weibo.cn (``weibo.api_base``), so two answers of one uid do not mix."""
    return f"/wb-{zlib.crc32(a.file.encode()):08x}"


def _container(a: Artifact, profile: Artifact | None):
    """The container API as the artifact saw it: the timeline for ``containerid`` requests, the profile
    answer (this artifact, or the uid's saved profile) for the others, 这里还没有内容 when none was saved."""
    def answer(request: Request) -> Reply:
        if a.kind == "weibo_profile":
            return _reply(a)
        if request.arg("containerid"):
            return _reply(a)
        if profile is not None:
            return _reply(profile)
        return Reply(body='{"ok":0,"msg":"这里还没有内容"}'.encode("utf-8"), content_type="application/json; charset=utf-8")
    return answer


def _reply(a: Artifact) -> Reply:
    """The bytes as saved, with the manifest's ``content_type`` when it gives one (a page stored re-encoded),
    else what such a server sends for the file's type."""
    suffix = a.path.suffix.lower()
    content_type = a.extra.get("content_type") or CONTENT_TYPES.get(suffix, "application/octet-stream")
    return Reply(body=a.path.read_bytes(), content_type=content_type)


@pytest.fixture(scope="module")
def corpus_server():
    with LocalServer() as server:
        profiles = {a.uid: a for a in ARTIFACTS if a.kind == "weibo_profile"}
        for a in ARTIFACTS:
            if a.kind in ("weibo_posts", "weibo_profile"):
                server.route(f"{_weibo_base(a)}/api/container/getIndex", _container(a, profiles.get(a.uid)))
            else:
                server.route(_path_for(a), _reply(a))
            for page in a.extra.get("pages", []):
                server.route(_page_path(a, page["path"]),
                             Reply(body=(REAL / page["file"]).read_bytes(), content_type="text/html"))
        yield server


def _config(server: LocalServer):
    return config_mod.defaults().with_overrides({
        "http": {"allow_private_addresses": True, "timeout_seconds": 3, "retries": 0, "backoff_seconds": 0.01},
        "crawl": {"max_pages": 0, "check_external_links": False},
        "weibo": {"cookie": "SUB=corpus", "delay_seconds": 0.0, "max_pages": 1},
        "wechat": {"delay_seconds": 0.0, "fetch_articles": False},
    })


def _context(server: LocalServer, a: Artifact) -> CheckContext:
    config = _config(server).with_overrides({"weibo": {"api_base": server.url(_weibo_base(a))}})
    return CheckContext(config=config, now=a.now, fetcher=Fetcher(config), since=a.now)  # since=now: no post links


# --- judging ------------------------------------------------------------------------------


def _same_time(got: str | None, want: str) -> bool:
    return got is not None and clock.parse_datetime(got) == clock.parse_datetime(want)


def judge_website(server: LocalServer, a: Artifact) -> tuple[bool, str]:
    url = server.url(_path_for(a))
    spec = AccountSpec(pk=1, account_id="real", platform="website", name="real", owner_unit="real", url=url)
    ctx = _context(server, a)
    page = next(o for o in WebsiteChecker().check(spec, ctx) if o.kind == "homepage")
    stored = StoredObservation(page.kind, page.ok, page.target, page.error_kind, page.error, dict(page.data))
    verdict = HomepageNotUpdated().evaluate(RuleInput("real", "website", "real", ctx.now, ctx.config, [stored]))
    data = page.data
    seen = (f"ok={page.ok} {page.error_kind or ''} newest={data.get('newest_date')} dated={data.get('dated_items')} "
            f"verdict={verdict.outcome} {verdict.message}").strip()
    t = a.truth
    want = t.get("verdict")
    if want == "challenge":
        return (not page.ok), seen
    if want in ("way_in", "script_list", "no_dated_entries"):
        if a.kind in ("column", "interaction") and want == "no_dated_entries":
            return page.ok and not data.get("dated_items"), seen
        return verdict.outcome != FAIL, seen
    if not page.ok:
        return False, seen
    good = data.get("newest_date") == t.get("newest_date")
    if "dated_entries_min" in t:
        good = good and (data.get("dated_items") or 0) >= int(t["dated_entries_min"])
    return good, seen


def judge_interaction(server: LocalServer, a: Artifact) -> tuple[bool, str]:
    """The interaction check of a website with the artifact as its one interaction column (and as its
    home page): every message the truth lists read with its question's day, its status, and its
    answer's day where the truth gives one (else none may be invented), and no other message."""
    url = server.url(_path_for(a))
    column = ColumnSpec(column="real", url=url, category="interaction")
    spec = AccountSpec(pk=1, account_id="real", platform="website", name="real", owner_unit="real", url=url,
                       columns=(column,))
    seen_obs = next(o for o in WebsiteChecker().check(spec, _context(server, a)) if o.kind == "interaction")
    got = seen_obs.data.get("messages") or []
    seen = (f"ok={seen_obs.ok} {seen_obs.error_kind or ''} read={len(got)} "
            + "; ".join(f"{m['title'][:12]} {m['asked']}→{m['answered']} {m['status']}" for m in got[:25]))
    want = a.truth["messages"]
    if not seen_obs.ok or len(got) != len(want):
        return False, seen
    for truth in want:
        same = [m for m in got if (m["title"] == truth["title"] if "title" in truth else m["asked"] == truth["asked"])]
        if len(same) != 1:
            return False, seen + f" | not read once: {truth}"
        m = same[0]
        if m["asked"] != truth["asked"] or m["status"] != truth["status"] or m["answered"] != truth.get("answered"):
            return False, seen + f" | wrong: {truth} read as {m}"
    return True, seen


def _new_media(server: LocalServer, a: Artifact, platform: str, **spec: Any) -> dict[str, Any]:
    checker = WeiboChecker() if platform == "weibo" else WechatChecker()
    account = AccountSpec(pk=1, account_id="real", platform=platform, name="real", owner_unit="real", **spec)
    return {o.kind: o for o in checker.check(account, _context(server, a))}


def _judge_posts_and_profile(obs: dict[str, Any], t: dict[str, Any], newest_key: str) -> tuple[bool, str]:
    posts, profile = obs["posts"], obs["profile"]
    seen = (f"posts ok={posts.ok} {posts.error_kind or ''} latest={posts.data.get('latest_post_at')} "
            f"pinned={[p.get('id') for p in posts.data.get('pinned') or []]} profile ok={profile.ok} "
            f"name={profile.data.get('screen_name')!r} verified={profile.data.get('verified')}")
    good = True
    if t.get("malformed"):
        return (not posts.ok and posts.error_kind == "malformed"), seen
    if newest_key in t:
        good = good and posts.ok and _same_time(posts.data.get("latest_post_at"), t[newest_key])
    if f"{newest_key}_date" in t:  # a platform date without a time of day (Weibo's 06-14): the day is the truth
        latest = posts.data.get("latest_post_at")
        good = good and posts.ok and latest is not None and \
            clock.local(clock.parse_datetime(latest)).date().isoformat() == t[f"{newest_key}_date"]
    if "pinned" in t:
        got = {str(p.get("id")) for p in posts.data.get("pinned") or []}
        good = good and {str(p) for p in t["pinned"]} <= got
    if "screen_name" in t or "account_name" in t:
        good = good and profile.data.get("screen_name") == t.get("screen_name", t.get("account_name"))
    if t.get("name_stated") is False:
        good = good and profile.data.get("screen_name") is None
    if "verified" in t:
        good = good and profile.data.get("verified") is t["verified"]
    return good, seen


def judge(server: LocalServer, a: Artifact) -> tuple[bool, str]:
    if a.kind == "interaction" and "messages" in a.truth:
        return judge_interaction(server, a)
    if a.kind in WEBSITE_KINDS:
        return judge_website(server, a)
    url = server.url(_path_for(a))
    if a.kind in ("weibo_posts", "weibo_profile"):
        return _judge_posts_and_profile(_new_media(server, a, "weibo", platform_id=a.uid, source="weibo_api"),
                                        a.truth, "newest_post")
    if a.kind == "feed":
        platform = a.platform or "wechat"
        return _judge_posts_and_profile(_new_media(server, a, platform, feed_url=url, source="feed"),
                                        a.truth, "newest_item")
    if a.kind == "wechat_json":
        return _judge_posts_and_profile(_new_media(server, a, "wechat", source_url=url, source="wechat_json"),
                                        a.truth, "newest_item")
    if a.kind == "wechat_article":
        ctx = _context(server, a)
        article = read_article(PlatformClient(ctx, "wechat"), url)
        seen = (f"error={article.error_kind} deleted={article.deleted} published={article.published_at} "
                f"nickname={article.nickname!r}")
        state = a.truth["state"]
        if state == "ok":
            good = (article.error_kind is None and not article.deleted and article.published_at is not None
                    and article.published_at == clock.parse_datetime(a.truth["published"]))
            if "account_name" in a.truth:
                good = good and article.nickname == a.truth["account_name"]
            return good, seen
        if state in ("deleted", "blocked"):
            return article.deleted == {"deleted": "deleted", "blocked": "violation"}[state], seen
        return (article.published_at is None and (article.deleted is not None or article.error_kind is not None)), seen
    raise AssertionError(f"unknown kind {a.kind}")


def _cases():
    for a in ARTIFACTS:
        marks = [pytest.mark.xfail(strict=True, reason=a.known_miss)] if a.known_miss else []
        yield pytest.param(a, id=a.file, marks=marks)


@pytest.mark.parametrize("artifact", list(_cases()))
def test_artifact(corpus_server, artifact: Artifact):
    good, seen = judge(corpus_server, artifact)
    RESULTS[artifact.file] = (good, seen)
    assert good, f"{artifact.file} ({artifact.kind}): truth {artifact.truth}; the check saw: {seen}"


def test_score(corpus_server, capsys):
    """The share of artifacts the product gets right, printed, and held at or above the manifest's floor."""
    for a in ARTIFACTS:
        if a.file not in RESULTS:
            RESULTS[a.file] = judge(corpus_server, a)
    good = sum(1 for ok, _ in RESULTS.values() if ok)
    share = good / len(RESULTS) if RESULTS else 0.0
    by_kind: dict[str, list[int]] = {}
    for a in ARTIFACTS:
        by_kind.setdefault(a.kind, [0, 0])
        by_kind[a.kind][0] += RESULTS[a.file][0]
        by_kind[a.kind][1] += 1
    with capsys.disabled():
        print(f"\nreal corpus: {good}/{len(RESULTS)} artifacts right ({share:.0%}); floor {FLOOR:.0%}; "
              + ", ".join(f"{k} {v[0]}/{v[1]}" for k, v in sorted(by_kind.items())))
    assert len(ARTIFACTS) >= 1
    assert share >= FLOOR
