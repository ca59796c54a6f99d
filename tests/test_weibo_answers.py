"""How one answer of m.weibo.cn is read — data, no posts, gone, or refused — driven by tests/data/weibo/answers.json.

These are the platform's shapes as scrapers and bridges have recorded them, beyond what the
simulation serves; the answer reader is a pure function of the response, so no server is needed.
"""

import json
from pathlib import Path

import pytest
from requests.structures import CaseInsensitiveDict

from mediawatch.checkers.sources.weibo_api import classify
from mediawatch.transport.fetcher import FetchResult

CASES = json.loads((Path(__file__).parent / "data" / "weibo" / "answers.json").read_text(encoding="utf-8"))


def _result(case):
    url = "https://m.weibo.cn/api/container/getIndex?type=uid&value=1&containerid=1076031"
    if "status" not in case:
        return FetchResult(url=url, final_url=url, error_kind=case["error_kind"], error="timed out")
    headers = CaseInsensitiveDict({"content-type": "application/json" if "body" in case else "text/html"})
    if "location" in case:
        headers["location"] = case["location"]
    content = json.dumps(case["body"], ensure_ascii=False) if "body" in case else case.get("text", "")
    return FetchResult(url=url, final_url=url, status=case["status"], headers=headers, content=content.encode("utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_answer(case):
    answer = classify(_result(case))
    assert answer.kind == case["kind"], answer
    if "error_kind" in case:
        assert answer.error_kind == case["error_kind"], answer
    assert answer.needs_visitor == case.get("needs_visitor", answer.needs_visitor)
    if answer.kind in ("refused", "error", "gone"):
        assert answer.reason
