"""One check run: checkers → observations → rules → warnings, committed account by account.

A run is identified by its clock time (``as_of``): running ``check`` again with the same ``--now``
resumes that run and redoes nothing already committed, so a run killed at any point (kill -9)
and started again leaves no duplicate warning and no half-written state.

Phase 1 checks each account and commits its observations (accounts that finish close together
are committed together: at most ``STORE_BATCH`` of them, held at most ``STORE_EVERY_SECONDS``).
Then, unless the run is degraded (the canary failed, or too many checks failed at the network
level: our own network, not the owners' accounts), phase 2 evaluates the rules and applies the
warning lifecycle, committing per account. A degraded run opens and resolves nothing.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Callable, Iterable, Iterator

from sqlalchemy import and_, delete, func, insert, or_, select
from sqlalchemy.orm import selectinload

from mediawatch import checkers, clock, findings, rules
from mediawatch.app import App
from mediawatch.canary import check_canary, dns_outage
from mediawatch.checkers.privacy import scrub  # issue 15: no full personal number is ever stored
from mediawatch.checkers.base import PRIMARY_KIND, AccountSpec, CheckContext, ColumnSpec, Observation, close_shared
from mediawatch.closure import latest_decisions
from mediawatch.errors import BadInput
from mediawatch.maintenance import active_windows
from mediawatch.maintenance import describe as describe_window
from mediawatch.maintenance import windows_during
from mediawatch.rules.base import ProbeRecord, RuleInput, StoredObservation
from mediawatch.store.models import Account, AccountCheck, CheckRun, Probe, Warning, WarningEvent
from mediawatch.store.models import Observation as ObservationRow
from mediawatch.warnings import SYSTEM, apply_verdicts

log = logging.getLogger("mediawatch.runner")

Progress = Callable[[str, int, int], None]
LINK_LOOKBACK_DAYS = 30
# finished accounts are committed together: at most this many, held at most this long (a crash
# loses at most these; a resumed run checks them again)
STORE_BATCH, STORE_EVERY_SECONDS = 50, 1.0


@dataclass
class RunReport:
    run_id: int
    as_of: datetime
    status: str
    checked: int = 0
    check_failed: int = 0
    skipped: int = 0
    opened: int = 0
    updated: int = 0
    resolved: int = 0
    message: str = ""
    failures: list[dict] = field(default_factory=list)

    def summary(self) -> str:
        text = (f"run {self.run_id} as of {clock.iso(self.as_of)}: {self.status}; {self.checked} checked, "
                f"{self.check_failed} check_failed, {self.opened} warnings opened, {self.updated} updated, "
                f"{self.resolved} resolved")
        if self.skipped:
            text += f", {self.skipped} skipped"
        return text + (f"\n{self.message}" if self.message else "")


def select_accounts(session, *, platform: str | None, account_ids: Iterable[str]) -> list[int]:
    """Primary keys of the accounts to check: active, status 'active', not closed by the office."""
    account_ids = list(account_ids)
    query = select(Account.id, Account.account_id).where(Account.active.is_(True), Account.status == "active")
    if platform:
        query = query.where(Account.platform == platform)
    if account_ids:
        known = set(session.scalars(select(Account.account_id).where(Account.account_id.in_(account_ids))))
        missing = [a for a in account_ids if a not in known]
        if missing:
            raise BadInput(f"--account: not in the registry: {', '.join(missing)}")
        query = query.where(Account.account_id.in_(account_ids))
    pks = [pk for pk, _ in session.execute(query.order_by(Account.id))]
    closed = {pk for pk, d in latest_decisions(session).items() if d.decision == "closed"}
    return [pk for pk in pks if pk not in closed]


def _spec(account: Account) -> AccountSpec:
    return AccountSpec(
        pk=account.id, account_id=account.account_id, platform=account.platform, name=account.name,
        owner_unit=account.owner_unit, url=account.url, platform_id=account.platform_id, feed_url=account.feed_url,
        source=account.source, source_url=account.source_url,
        columns=tuple(ColumnSpec(c.column, c.url, c.category, tuple(sorted((c.selectors or {}).items())))
                      for c in account.columns if c.active),
    )


def _run_checker(spec: AccountSpec, ctx: CheckContext) -> list[Observation]:
    try:
        return checkers.checker_for(spec.platform).check(spec, ctx)
    except LookupError as exc:
        return [Observation.failed(PRIMARY_KIND[spec.platform], "internal", str(exc))]
    except Exception as exc:  # noqa: BLE001 - a failing account never aborts a run
        log.exception("checker crashed on %s", spec.account_id)
        return [Observation.failed(PRIMARY_KIND[spec.platform], "internal", f"{exc.__class__.__name__}: {exc}")]


def _outcome(spec: AccountSpec, observations: list[Observation]) -> tuple[str, str | None, bool]:
    kind = PRIMARY_KIND[spec.platform]
    primary = [o for o in observations if o.kind == kind]
    if not primary:
        return "check_failed", f"internal: the checker returned no {kind} observation", False
    failed = [o for o in primary if not o.ok]
    if failed:
        o = failed[0]
        return "check_failed", f"{o.error_kind}: {o.error or ''}".strip(), o.network_failure
    return "ok", None, False


class Runner:
    def __init__(self, app: App, *, stop: threading.Event | None = None, progress: Progress | None = None,
                 fetcher=None, spread_seconds: float = 0.0, wait: float = 0.0):
        self.app = app
        self.spread_seconds = spread_seconds
        self.config = app.config
        self.store = app.store
        # the run's own stop: set by the caller's (SIGTERM), or by the run budget; it never sets the caller's
        self.outer_stop = stop or threading.Event()
        self.stop = threading.Event()
        self._stopping = None
        self.wait = wait
        self.progress = progress or (lambda phase, done, total: None)
        self._fetcher = fetcher

    @property
    def fetcher(self):
        if self._fetcher is None:
            from mediawatch.transport.fetcher import Fetcher

            self._fetcher = Fetcher(self.config)
        return self._fetcher

    # --- the run record ---------------------------------------------------------------------

    def _open_run(self, as_of: datetime, scope: dict) -> tuple[CheckRun, str | None]:
        """The run of this clock time (resumed) or a new one; with the status it had before."""
        with self.store.session() as session:
            run = session.scalar(select(CheckRun).where(CheckRun.kind == "check", CheckRun.as_of == as_of)
                                 .order_by(CheckRun.id.desc()).limit(1))
            before = run.status if run is not None else None
            if run is not None and run.status == "degraded":
                # nothing was evaluated: start the observation phase again now the network may be back
                session.execute(delete(ObservationRow).where(ObservationRow.run_id == run.id))
                session.execute(delete(AccountCheck).where(AccountCheck.run_id == run.id))
                run.status, run.message = "running", None
            if run is None:
                run = CheckRun(kind="check", as_of=as_of, started_at=clock.now(), status="running", scope=scope,
                               stats={})
                session.add(run)
            elif run.status == "interrupted":
                run.status = "running"
            session.flush()
            return run, before

    def _unevaluated(self, run_id: int) -> int:
        with self.store.session() as session:
            return session.scalar(select(func.count()).select_from(AccountCheck).where(
                AccountCheck.run_id == run_id, AccountCheck.evaluated_at.is_(None))) or 0

    def _finish(self, run_id: int, status: str, message: str | None, stats: dict) -> None:
        with self.store.session() as session:
            run = session.get(CheckRun, run_id)
            run.status, run.message, run.finished_at = status, message, clock.now()
            run.stats = dict(run.stats or {}, **stats)

    # --- phase 1: observe -------------------------------------------------------------------

    def _pending(self, run_id: int, pks: list[int], as_of: datetime) -> tuple[list[int], int]:
        with self.store.session() as session:
            done = set(session.scalars(select(AccountCheck.account_pk).where(AccountCheck.run_id == run_id)))
            later = set(session.scalars(select(AccountCheck.account_pk).where(AccountCheck.as_of > as_of)))
        if later:
            log.warning("%d account(s) already checked as of a later time; not checked again as of %s",
                        len(later & set(pks)), clock.iso(as_of))
        todo = [pk for pk in pks if pk not in done and pk not in later]
        return todo, len(set(pks) & later)

    def _since(self, pks: list[int], as_of: datetime) -> dict[int, datetime]:
        floor = as_of - timedelta(days=LINK_LOOKBACK_DAYS)
        result: dict[int, datetime] = {}
        with self.store.session() as session:
            for start in range(0, len(pks), 900):
                chunk = pks[start:start + 900]
                rows = session.execute(
                    select(AccountCheck.account_pk, func.max(AccountCheck.as_of))
                    .where(AccountCheck.account_pk.in_(chunk), AccountCheck.outcome == "ok",
                           AccountCheck.as_of < as_of)
                    .group_by(AccountCheck.account_pk))
                for pk, last in rows:
                    result[pk] = max(last, floor)
        return result

    def _observe(self, run_id: int, todo: list[int], as_of: datetime) -> bool:
        """Check every pending account; returns False when stopped early."""
        since = self._since(todo, as_of)
        total = len(todo)
        self.progress("check", 0, total)
        # shared by the run's accounts: one link checker (one pool of threads and connections, each
        # URL judged once per run), one typo matcher
        extras: dict = {"interaction_cache": findings.InteractionCache(self.store),  # issue 15
                        "attachment_cache": findings.AttachmentCache(self.store)}
        try:
            done = self._observe_all(run_id, self._specs(todo), since, as_of, extras, total)
        finally:
            close_shared(extras)
        return not self.stop.is_set() or done == total

    def _observe_all(self, run_id: int, queue: Iterator[AccountSpec], since: dict[int, datetime], as_of: datetime,
                     extras: dict, total: int) -> int:
        workers = max(1, int(self.config.http.account_workers))
        # the daemon spreads the accounts over a window instead of starting them all at once
        pace = self.spread_seconds / total if total and self.spread_seconds > 0 else 0.0
        in_flight: dict[Future, AccountSpec] = {}
        started, submitted, done, exhausted = clock.monotonic(), 0, 0, False
        held: list[tuple[AccountSpec, list[Observation]]] = []  # checked, not yet committed
        held_since = 0.0
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="check") as pool:
            while True:
                while not self.stop.is_set() and len(in_flight) < workers * 2:
                    if pace:
                        wait_for = started + submitted * pace - clock.monotonic()
                        if wait_for > 0 and in_flight:
                            break  # collect finished checks while waiting for the next slot
                        if wait_for > 0 and self.stop.wait(wait_for):
                            break
                    spec = next(queue, None)
                    if spec is None:
                        exhausted = True
                        break
                    submitted += 1
                    ctx = CheckContext(config=self.config, now=as_of, fetcher=self.fetcher, extras=extras,
                                       since=since.get(spec.pk, as_of - timedelta(days=LINK_LOOKBACK_DAYS)))
                    in_flight[pool.submit(_run_checker, spec, ctx)] = spec
                if not in_flight:
                    if not exhausted and not self.stop.is_set():
                        continue  # paced: the next account's slot has not come yet
                    break
                timeout = max(0.0, started + submitted * pace - clock.monotonic()) if pace else None
                if held:
                    flush_in = max(0.0, held_since + STORE_EVERY_SECONDS - clock.monotonic())
                    timeout = flush_in if timeout is None else min(timeout, flush_in)
                finished, _ = wait(list(in_flight), timeout=timeout, return_when=FIRST_COMPLETED)
                for future in finished:
                    spec, observations = in_flight.pop(future), future.result()
                    if self._cut(observations):
                        continue  # cut by a stop: not stored, checked again when the run is resumed
                    if not held:
                        held_since = clock.monotonic()
                    held.append((spec, observations))
                if held and (len(held) >= STORE_BATCH or not in_flight
                             or clock.monotonic() >= held_since + STORE_EVERY_SECONDS):
                    self._store_observations(run_id, held, as_of)
                    done += len(held)
                    held = []
                    self.progress("check", done, total)
        if held:
            self._store_observations(run_id, held, as_of)
            done += len(held)
            self.progress("check", done, total)
        return done

    def _cut(self, observations: list[Observation]) -> bool:
        """True for an account whose requests a stopping run cut (its observations say nothing)."""
        fetcher = self._fetcher
        return bool(fetcher is not None and getattr(fetcher, "cancelled", None) is not None
                    and fetcher.cancelled.is_set())

    def _specs(self, pks: list[int], chunk: int = 200) -> Iterator[AccountSpec]:
        """Accounts as checkers see them, loaded a chunk at a time (memory stays bounded)."""
        for start in range(0, len(pks), chunk):
            part = pks[start:start + chunk]
            with self.store.session() as session:
                accounts = {a.id: _spec(a) for a in session.scalars(
                    select(Account).options(selectinload(Account.columns)).where(Account.id.in_(part)))}
            yield from (accounts[pk] for pk in part if pk in accounts)

    def _store_observations(self, run_id: int, checked: list[tuple[AccountSpec, list[Observation]]],
                            as_of: datetime) -> None:
        """Commit finished accounts together (bulk INSERTs: no unit of work, no RETURNING per row)."""
        rows, checks = [], []
        for spec, observations in checked:
            outcome, failure, network = _outcome(spec, observations)
            rows.extend({"run_id": run_id, "account_pk": spec.pk, "as_of": as_of, "kind": o.kind, "target": o.target,
                         "ok": o.ok, "error_kind": o.error_kind, "error": o.error, "data": scrub(o.data)}  # scrub: issue 15
                        for o in observations)
            checks.append({"run_id": run_id, "account_pk": spec.pk, "as_of": as_of, "checked_at": clock.now(),
                           "outcome": outcome, "failure": failure, "network_failure": network, "verdicts": {}})
            if outcome != "ok":
                log.info("check_failed %s: %s", spec.account_id, failure)
        with self.store.session() as session:
            if rows:
                session.execute(insert(ObservationRow), rows)
            session.execute(insert(AccountCheck), checks)

    # --- degraded? --------------------------------------------------------------------------

    def _network_verdict(self, run_id: int) -> tuple[bool, str]:
        canary = self.config.canary
        with self.store.session() as session:
            total = session.scalar(select(func.count()).select_from(AccountCheck)
                                   .where(AccountCheck.run_id == run_id)) or 0
            network = session.scalar(select(func.count()).select_from(AccountCheck)
                                     .where(AccountCheck.run_id == run_id, AccountCheck.network_failure.is_(True))) or 0
        if total >= canary.min_checks and network / total > canary.max_network_failure_ratio:
            return True, (f"DEGRADED: {network} of {total} checks failed at the network level "
                          f"(more than {canary.max_network_failure_ratio:.0%}); our own network is suspect. "
                          "No warning was opened or resolved. Run `mediawatch check` again with the same --now "
                          "once the network is back.")
        return dns_outage(self.config, self._dns_failures(run_id))

    def _dns_failures(self, run_id: int) -> list[str]:
        """The link URLs of this run that failed name resolution (pages and posts alike)."""
        failed: list[str] = []
        with self.store.session() as session:
            for data in session.scalars(select(ObservationRow.data).where(
                    ObservationRow.run_id == run_id, ObservationRow.kind == "links")).yield_per(200):
                failed.extend(b.get("url", "") for b in (data or {}).get("broken", []) if b.get("error_kind") == "dns")
        return failed

    # --- phase 2: evaluate ------------------------------------------------------------------

    def _evaluate(self, run_id: int, as_of: datetime, chunk: int = 100) -> bool:
        """Rules and warnings for every unevaluated check of the run. Checks are read a chunk at a
        time (accounts, observations, open warnings: one query each per chunk) and each account is
        committed on its own, so a stop finishes the account in hand and keeps every one before it."""
        with self.store.session() as session:
            ids = list(session.scalars(select(AccountCheck.id).where(AccountCheck.run_id == run_id,
                                                                      AccountCheck.evaluated_at.is_(None))
                                       .order_by(AccountCheck.id)))
        total, done = len(ids), 0
        self.progress("evaluate", 0, total)
        for start in range(0, total, chunk):
            if self.stop.is_set():
                return False
            session = self.store.sessions()
            try:
                part = _EvaluationChunk(session, run_id, ids[start:start + chunk])
                paused = active_windows(session, part.accounts, as_of)  # 报备 windows (issue 17)
                for check in part.checks:
                    if self.stop.is_set():
                        return False
                    account = part.accounts[check.account_pk]
                    given = self._rule_input(session, account, part.observations.get(account.id, []), as_of,
                                             chunk=part)
                    if account.id in paused:
                        given.maintenance = describe_window(paused[account.id])
                    verdicts = rules.evaluate(given)
                    apply_verdicts(session, account, verdicts, as_of=as_of, run_id=run_id, config=self.config,
                                   open_warnings=part.open_warnings.get(account.id, []),
                                   revoked=part.revoked.get(account.id, []))
                    findings.after_evaluation(session, account, given, as_of)  # issue 15: tamper baseline
                    check.evaluated_at = clock.now()
                    check.verdicts = {v.rule: v.outcome for v in verdicts}
                    session.commit()
                    done += 1
                    self.progress("evaluate", done, total)
            except BaseException:
                session.rollback()
                raise
            finally:
                session.close()
        return True

    def _rule_input(self, session, account: Account, rows: list[ObservationRow], as_of: datetime, *,
                    chunk: "_EvaluationChunk | None" = None) -> RuleInput:
        observations = [StoredObservation(o.kind, o.ok, o.target, o.error_kind, o.error, o.data or {}) for o in rows]
        # the chunk knows which accounts have any 报备 window or column exemption: the others skip those queries
        windowed = chunk is None or account.id in chunk.with_windows
        exempting = chunk is None or account.id in chunk.with_exemptions

        def probes(start: datetime, end: datetime) -> list[ProbeRecord]:
            found = session.execute(select(Probe.at, Probe.ok, Probe.status, Probe.error_kind)
                                    .where(Probe.account_pk == account.id, Probe.network_ok.is_(True),
                                           Probe.at > start, Probe.at <= end))
            # issue 17: probes in a 报备 window do not count
            paused = windows_during(session, account.id, start, end) if windowed else []
            return [ProbeRecord(at, ok, status, kind) for at, ok, status, kind in found
                    if not any(a <= at < b for a, b in paused)]

        return RuleInput(account_id=account.account_id, platform=account.platform, name=account.name, as_of=as_of,
                         config=self.config, observations=observations, probes=probes,
                         exempted_columns=_exempted_columns(session, account, as_of) if exempting else frozenset(),
                         baseline=(lambda: findings.load_baseline(session, account.id)) if chunk is None
                         else (lambda: chunk.baselines.get(account.id)))  # issue 15

    # --- the whole run ----------------------------------------------------------------------

    def run(self, *, platform: str | None = None, account_ids: Iterable[str] = ()) -> RunReport:
        """The run, under the check claim (one check at a time), the run budget and the stop."""
        from mediawatch.schedule.budget import RunStop
        from mediawatch.schedule.claim import RunClaim

        claim = RunClaim(self.store)
        claim.acquire(self.wait, self.outer_stop)
        try:
            with RunStop(self.config, self.outer_stop, lambda: self._fetcher) as stop:
                self.stop, self._stopping = stop.event, stop
                return self._run(platform=platform, account_ids=account_ids)
        finally:
            claim.release()

    def _run(self, *, platform: str | None = None, account_ids: Iterable[str] = ()) -> RunReport:
        as_of = clock.now()
        account_ids = list(account_ids)
        with self.store.session() as session:
            pks = select_accounts(session, platform=platform, account_ids=account_ids)
        run, before = self._open_run(as_of, {"platform": platform, "accounts": account_ids})
        report = RunReport(run_id=run.id, as_of=as_of, status="running")
        todo, report.skipped = self._pending(run.id, pks, as_of)
        if before == "done" and not todo and not self._unevaluated(run.id):
            self._count(run.id, report)
            report.status = "done"
            report.message = "this run was already complete as of this time: nothing was changed"
            return report
        if todo:
            canary = check_canary(self.config, self.fetcher)
            if not canary.ok:
                report.status = "degraded"
                report.message = ("DEGRADED: " + canary.describe() + ". Our own network is suspect: nothing was "
                                  "checked and no warning was opened or resolved.")
                self._finish(run.id, "degraded", report.message, {"canary": canary.failures})
                log.error(report.message)
                return report
            if not self._observe(run.id, todo, as_of):
                return self._interrupted(run.id, report)
        degraded, message = self._network_verdict(run.id)
        if degraded:
            report.status, report.message = "degraded", message
            self._finish(run.id, "degraded", message, {})
            log.error(message)
            self._count(run.id, report)
            return report
        if not self._evaluate(run.id, as_of):
            return self._interrupted(run.id, report)
        self._screenshots(run.id)  # issue 17: evidence for the website warnings this run opened
        self._count(run.id, report)
        report.status = "done"
        self._finish(run.id, "done", None, {"checked": report.checked, "check_failed": report.check_failed,
                                            "opened": report.opened, "updated": report.updated,
                                            "resolved": report.resolved})
        return report

    def _screenshots(self, run_id: int) -> None:
        from mediawatch.evidence import capture_for_run

        try:
            capture_for_run(self.app, run_id)
        except Exception:  # noqa: BLE001 - evidence is a bonus: the warnings are already committed
            log.exception("screenshots of run %s failed", run_id)

    def _interrupted(self, run_id: int, report: RunReport) -> RunReport:
        report.status = "interrupted"
        reason = self._stopping.reason if self._stopping is not None else ""
        report.message = ((reason + ": ") if reason else "") + \
            "stopped before the end; run `mediawatch check` again with the same --now to finish"
        self._finish(run_id, "interrupted", report.message, {})
        self._count(run_id, report)
        return report

    def _count(self, run_id: int, report: RunReport) -> None:
        with self.store.session() as session:
            rows = session.execute(select(Account.account_id, AccountCheck.outcome, AccountCheck.failure)
                                   .join(Account, Account.id == AccountCheck.account_pk)
                                   .where(AccountCheck.run_id == run_id)).all()
        report.checked = len(rows)
        report.failures = [{"account_id": a, "reason": f} for a, o, f in rows if o != "ok"]
        report.check_failed = len(report.failures)
        with self.store.session() as session:
            events = dict(session.execute(select(WarningEvent.kind, func.count()).where(WarningEvent.run_id == run_id)
                                          .group_by(WarningEvent.kind)).all())
        report.opened, report.updated, report.resolved = (events.get(k, 0) for k in ("opened", "updated", "resolved"))


def _exempted_columns(session, account: Account, as_of: datetime) -> frozenset[str]:
    """Issue 16: URLs of the account's columns exempted by the office on the check's day."""
    if account.platform != "website":
        return frozenset()
    from mediawatch.store.models import Column, ColumnExemption

    day = clock.local(as_of).date()
    return frozenset(session.scalars(
        select(Column.url).join(ColumnExemption, ColumnExemption.column_pk == Column.id)
        .where(ColumnExemption.account_pk == account.id, ColumnExemption.starts_on <= day,
               ColumnExemption.ends_on >= day, ColumnExemption.ended_at.is_(None))))


class _EvaluationChunk:
    """A chunk of one run's checks with what evaluating them reads, each kind in one query."""

    def __init__(self, session, run_id: int, ids: list[int]):
        self.checks = list(session.scalars(select(AccountCheck).where(AccountCheck.id.in_(ids))
                                           .order_by(AccountCheck.id)))
        pks = [c.account_pk for c in self.checks]
        self.accounts = {a.id: a for a in session.scalars(select(Account).where(Account.id.in_(pks)))}
        self.observations: dict[int, list[ObservationRow]] = {}
        for row in session.scalars(select(ObservationRow).where(ObservationRow.run_id == run_id,
                                                                ObservationRow.account_pk.in_(pks))
                                   .order_by(ObservationRow.id)):
            self.observations.setdefault(row.account_pk, []).append(row)
        # accounts with any 报备 window / any column exemption at all (issue 14: one query each per chunk)
        from mediawatch.store.models import ColumnExemption, MaintenanceWindow

        self.with_windows = set(session.scalars(select(MaintenanceWindow.account_pk).distinct()
                                                .where(MaintenanceWindow.account_pk.in_(pks))))
        self.with_exemptions = set(session.scalars(select(ColumnExemption.account_pk).distinct()
                                                   .where(ColumnExemption.account_pk.in_(pks))))
        self.baselines = findings.load_baselines(session, pks)  # issue 15's tamper baselines, one query
        self.open_warnings: dict[int, list[Warning]] = {}
        self.revoked: dict[int, list[Warning]] = {}
        for warning in session.scalars(select(Warning).where(
                Warning.account_pk.in_(pks), Warning.source == SYSTEM,
                or_(Warning.status.in_(("open", "pending")),  # pending: issue 15
                    and_(Warning.status == "revoked", Warning.resolved_at.is_(None))))):
            held = self.open_warnings if warning.status in ("open", "pending") else self.revoked
            held.setdefault(warning.account_pk, []).append(warning)


def run_check(app: App, *, platform: str | None = None, account_ids: Iterable[str] = (),
              stop: threading.Event | None = None, progress: Progress | None = None, fetcher=None,
              spread_seconds: float = 0.0, wait: float = 0.0) -> RunReport:
    """One check run; ``wait``: seconds to wait for another running check (else ``AlreadyRunning``)."""
    return Runner(app, stop=stop, progress=progress, fetcher=fetcher, spread_seconds=spread_seconds,
                  wait=wait).run(platform=platform, account_ids=account_ids)
