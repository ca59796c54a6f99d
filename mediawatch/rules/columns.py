"""``column_stale`` and ``blank_column``: the columns of columns.csv, by category."""

from __future__ import annotations

from mediawatch.rules.base import FAIL, PASS, RuleInput, Verdict, parse_day


def _column(o) -> dict:
    return {"column": o.data.get("column"), "url": o.data.get("url") or o.target, "category": o.data.get("category"),
            "items": o.data.get("items")}


def _unchecked(columns) -> list[dict]:
    return [dict(_column(o), error_kind=o.error_kind or "unknown", error=o.data.get("unknown_reason"))
            for o in columns if not o.ok or o.data.get("unknown_reason")]


class ColumnStale:
    """Fails when any column's newest item is older than its category's limit (items but no dates: stale).

    A column we could not load is never called fresh: if nothing is stale but some column went
    unseen, the verdict is unknown, so an open warning is not resolved on missing evidence.
    """

    id = "column_stale"

    def evaluate(self, given: RuleInput) -> Verdict:
        columns = given.of_kind("column")
        if not columns:
            return Verdict.unknown(self.id, "no columns registered")
        limits = given.config.rules.column_max_silence_days
        stale = []
        for o in columns:
            if not o.ok or o.data.get("unknown_reason") or not o.data.get("items"):
                continue
            limit = limits.get(o.data.get("category"))
            if limit is None:
                continue  # 'other': watched for blankness only
            newest = parse_day(o.data.get("newest_date"))
            since = (given.local_date - newest).days if newest else None
            if since is None or since > limit:
                stale.append(dict(_column(o), newest_date=newest.isoformat() if newest else None, days_since=since,
                                  threshold_days=limit))
        unchecked = _unchecked(columns)
        if stale:
            names = "、".join(c["column"] or c["url"] for c in stale)
            return Verdict(self.id, FAIL, f"{len(stale)}个栏目超期未更新：{names}",
                           {"columns": stale, "unchecked": unchecked})
        if unchecked:
            return Verdict.unknown(self.id, f"{len(unchecked)} column(s) not loaded")
        return Verdict(self.id, PASS, "", {"columns": []})


class BlankColumn:
    """Fails when a column list page loads but lists no item."""

    id = "blank_column"

    def evaluate(self, given: RuleInput) -> Verdict:
        columns = given.of_kind("column")
        if not columns:
            return Verdict.unknown(self.id, "no columns registered")
        blank = [_column(o) for o in columns if o.ok and not o.data.get("unknown_reason") and not o.data.get("items")]
        if blank:
            names = "、".join(c["column"] or c["url"] for c in blank)
            return Verdict(self.id, FAIL, f"{len(blank)}个空白栏目：{names}", {"columns": blank})
        unchecked = _unchecked(columns)
        if unchecked:
            return Verdict.unknown(self.id, f"{len(unchecked)} column(s) not loaded")
        return Verdict(self.id, PASS, "", {"columns": []})
