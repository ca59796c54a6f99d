"""IM robots through Apprise: DingTalk, WeCom and Feishu group robots, and a generic JSON webhook.

Apprise ships ``dingtalk://``, ``wecombot://`` and ``feishu://`` plugins, but each posts to its
platform's fixed host (``oapi.dingtalk.com``, ``qyapi.weixin.qq.com``, ``open.feishu.cn``: a class
attribute, not part of the URL), so none can be pointed at a gateway, a private relay or a local
receiver; Apprise's Feishu plugin does not sign at all, and its DingTalk plugin takes any HTTP 200
as delivered although DingTalk answers a refused message (bad signature, keyword missing) with
HTTP 200 and ``errcode`` ≠ 0. So the three robots are Apprise custom notifications (Apprise's
documented ``@notify`` decorator) under the schemes ``mwding(s)://``, ``mwwecom(s)://`` and
``mwfeishu(s)://`` (the ``s`` form is HTTPS), whose URL is the robot's own webhook URL with the
scheme swapped. Each builds the payload and signature as the platform documents them:

- DingTalk custom robot (自定义机器人, 加签): ``timestamp`` (ms) and ``sign`` = urlEncode(base64(
  HmacSHA256(key=secret, msg=timestamp + "\\n" + secret))) added to the URL's query; body
  ``{"msgtype": "markdown", "markdown": {"title", "text"}}``; success is ``errcode == 0``.
- WeCom group robot (群机器人): the ``key`` in the URL is the credential (no signature); body
  ``{"msgtype": "markdown", "markdown": {"content"}}`` (at most 4,096 bytes); success ``errcode == 0``.
- Feishu custom bot (自定义机器人, 签名校验): ``timestamp`` (s) and ``sign`` = base64(HmacSHA256(
  key=timestamp + "\\n" + secret, msg="")) in the JSON body beside ``{"msg_type": "text",
  "content": {"text"}}``; success ``code == 0`` (older answers: ``StatusCode == 0``).

The generic webhook (浙政钉 and other gateways) is Apprise's own ``json://`` / ``jsons://`` plugin:
``{"version", "title", "message", "attachments", "type"}``; a configured secret goes in an
``X-Mediawatch-Token`` header (Apprise's ``+Header=value`` URL syntax).

Signature timestamps are the real time (``clock.wall_time``): the platforms refuse a timestamp more
than an hour away from theirs, and a replay's fixed clock is not the time the message is sent.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
from urllib.parse import quote, urlencode, urlsplit

import apprise
import requests
from apprise.decorators import notify

from mediawatch import clock

log = logging.getLogger("mediawatch.channels")

SECRET_PARAM = "mw_secret"
TIMEOUT_PARAM = "mw_timeout"
WECOM_MAX_BYTES = 4096
SCHEMES = {"dingtalk": "mwding", "wecom": "mwwecom", "feishu": "mwfeishu", "webhook": "json"}


class RobotError(Exception):
    pass


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp_ms}\n{secret}".encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def feishu_sign(secret: str, timestamp_s: int) -> str:
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode("utf-8"), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def apprise_url(kind: str, webhook_url: str, secret: str | None, timeout: float) -> str:
    """The Apprise URL of a robot whose webhook URL (and secret) came from the environment."""
    parts = urlsplit(webhook_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RobotError(f"not an http(s) URL: {webhook_url[:60]!r}")
    scheme = SCHEMES[kind] + ("s" if parts.scheme == "https" else "")
    query = parts.query
    extra: dict[str, str] = {}
    if kind == "webhook":
        if secret:
            extra["+X-Mediawatch-Token"] = secret
    else:
        extra[TIMEOUT_PARAM] = str(timeout)
        if secret:
            extra[SECRET_PARAM] = secret
    if extra:
        query = (query + "&" if query else "") + urlencode(extra, quote_via=quote)
    return f"{scheme}://{parts.netloc}{parts.path or '/'}" + (f"?{query}" if query else "")


def _target(meta: dict, https: bool) -> tuple[str, dict[str, str], str | None, float]:
    """(webhook URL without our own parameters, its query, the secret, the timeout) from Apprise's meta."""
    query = {k: v for k, v in meta.get("qsd", {}).items() if k not in (SECRET_PARAM, TIMEOUT_PARAM)}
    secret = meta.get("qsd", {}).get(SECRET_PARAM) or None
    timeout = float(meta.get("qsd", {}).get(TIMEOUT_PARAM) or 10)
    host = meta["host"] + (f":{meta['port']}" if meta.get("port") else "")
    return f"{'https' if https else 'http'}://{host}{meta.get('fullpath') or '/'}", query, secret, timeout


def _post(url: str, params: dict[str, str], payload: dict, timeout: float) -> dict:
    response = requests.post(url, params=params, data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
                             headers={"Content-Type": "application/json; charset=utf-8"}, timeout=timeout)
    if response.status_code != 200:
        raise RobotError(f"HTTP {response.status_code}")
    try:
        return response.json()
    except ValueError:
        raise RobotError("answer is not JSON") from None


def _send(kind: str, https: bool, title: str, body: str, meta: dict) -> bool:
    url, query, secret, timeout = _target(meta, https)
    try:
        if kind == "dingtalk":
            if secret:
                stamp = int(clock.wall_time() * 1000)
                query = dict(query, timestamp=str(stamp), sign=dingtalk_sign(secret, stamp))
            answer = _post(url, query, {"msgtype": "markdown", "markdown": {"title": title or "通知",
                                                                            "text": f"### {title}\n\n{body}"}}, timeout)
            ok = answer.get("errcode") == 0
        elif kind == "wecom":
            content = f"**{title}**\n{body}" if title else body
            content = content.encode("utf-8")[:WECOM_MAX_BYTES].decode("utf-8", "ignore")
            answer = _post(url, query, {"msgtype": "markdown", "markdown": {"content": content}}, timeout)
            ok = answer.get("errcode") == 0
        else:  # feishu
            payload: dict = {"msg_type": "text", "content": {"text": f"{title}\n{body}" if title else body}}
            if secret:
                stamp = int(clock.wall_time())
                payload = {"timestamp": str(stamp), "sign": feishu_sign(secret, stamp), **payload}
            answer = _post(url, query, payload, timeout)
            ok = answer.get("code", answer.get("StatusCode")) == 0
    except (RobotError, requests.RequestException) as exc:
        log.warning("%s robot %s: %s", kind, meta.get("host"), exc)
        return False
    if not ok:
        log.warning("%s robot %s refused the message: %s", kind, meta.get("host"),
                    json.dumps(answer, ensure_ascii=False)[:200])
    return ok


def _register(kind: str) -> None:
    for https in (False, True):
        scheme = SCHEMES[kind] + ("s" if https else "")

        def plugin(body, title, notify_type, meta, *args, _kind=kind, _https=https, **kwargs):
            return _send(_kind, _https, title or "", body or "", meta)

        notify(on=scheme, name=f"mediawatch {kind} robot")(plugin)


for _kind in ("dingtalk", "wecom", "feishu"):
    _register(_kind)


def send(kind: str, webhook_url: str, secret: str | None, title: str, body: str, timeout: float) -> None:
    """Send one message through Apprise; raises ``RobotError`` when it was not delivered."""
    hub = apprise.Apprise()
    if not hub.add(apprise_url(kind, webhook_url, secret, timeout)):
        raise RobotError(f"{kind}: Apprise does not accept the robot URL")
    body_format = apprise.NotifyFormat.MARKDOWN if kind != "webhook" else apprise.NotifyFormat.TEXT
    if not hub.notify(body=body, title=title, body_format=body_format):
        raise RobotError(f"{kind}: not delivered (see the log for the platform's answer)")
