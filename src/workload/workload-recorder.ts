import { performance } from 'node:perf_hooks';
import { LatencyHistogram } from '../measure/latency-histogram.js';
import type { TenantPlan } from '../../seed/tenant-plan.js';
import type { TenantClass } from './tenant-chooser.js';
import type { RequestOutcome } from './execute-request.js';
import { recordInto } from '../measure/bootstrap.js';

/** What one query accumulated in one measured segment. */
export class QueryRecord {
  /** Response time: from the intended start (open loop) or the actual start (closed loop) to COMMIT done. */
  readonly response = new LatencyHistogram();
  /** Service time: from the tenant-scoped session in hand to COMMIT done (no queueing, no context round trip). */
  readonly service = new LatencyHistogram();
  readonly byClass: Record<TenantClass, LatencyHistogram> = { small: new LatencyHistogram(), large: new LatencyHistogram() };
  /**
   * The phases of a successful request, which add up to its response time: schedule lateness
   * (open loop: intended start to the request handed to the router: the generator's own delay),
   * acquire (waiting for a connection, opening one, BEGIN + tenant context: one round trip when a
   * connection is free), query (the statement's round trip), commit (COMMIT's round trip).
   */
  readonly lateness = new LatencyHistogram();
  readonly acquire = new LatencyHistogram();
  readonly query = new LatencyHistogram();
  readonly commit = new LatencyHistogram();
  ok = 0;
  late = 0;
  readonly errors = new Map<string, number>();

  add(o: QueryRecord): void {
    this.response.add(o.response);
    this.service.add(o.service);
    this.byClass.small.add(o.byClass.small);
    this.byClass.large.add(o.byClass.large);
    this.lateness.add(o.lateness);
    this.acquire.add(o.acquire);
    this.query.add(o.query);
    this.commit.add(o.commit);
    this.ok += o.ok;
    this.late += o.late;
    for (const [k, v] of o.errors) this.errors.set(k, (this.errors.get(k) ?? 0) + v);
  }

  get errorCount(): number {
    let n = 0;
    for (const v of this.errors.values()) n += v;
    return n;
  }
}

export interface IntervalRow {
  /** Seconds since the measured window began, at the interval's end. */
  atSeconds: number;
  ok: number;
  errors: number;
  throughputPerS: number;
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
}

/**
 * Records outcomes per query (and per tenant class) into HdrHistograms, errors per SQLSTATE, and a
 * per-interval series (throughput and percentiles of each interval) for the CSV. Warm-up requests
 * are never handed to it.
 */
export class WorkloadRecorder {
  readonly queries: QueryRecord[];
  readonly intervals: IntervalRow[] = [];
  /** Per query, the response times of each closed interval (sparse counts): the bootstrap's blocks. */
  readonly queryIntervals: Map<number, number>[][];
  private queryInterval: Map<number, number>[];
  /** Schedule lateness of every request sent in the window (ok or not): the generator's own delay. */
  readonly generatorLateness = new LatencyHistogram();
  private readonly interval = new LatencyHistogram();
  private intervalOk = 0;
  private intervalErrors = 0;
  private intervalStart = 0;
  private windowStart = 0;
  private tapState: { from: number; until: number; record: QueryRecord; completedInside: number; errors: Map<string, number> } | null =
    null;

  constructor(
    queryCount: number,
    private readonly classOf: ReadonlyMap<string, TenantClass>,
  ) {
    this.queries = Array.from({ length: queryCount }, () => new QueryRecord());
    this.queryIntervals = this.queries.map(() => []);
    this.queryInterval = this.queries.map(() => new Map());
  }

  /** The measured window starts now (performance.now() ms). */
  begin(now: number): void {
    this.windowStart = now;
    this.intervalStart = now;
  }

  /** Close the current interval (called by a timer every intervalSeconds and once at the end). */
  closeInterval(now: number): void {
    const seconds = (now - this.intervalStart) / 1000;
    if (seconds <= 0) return;
    this.intervals.push({
      atSeconds: (now - this.windowStart) / 1000,
      ok: this.intervalOk,
      errors: this.intervalErrors,
      throughputPerS: this.intervalOk / seconds,
      p50Ms: this.interval.percentileMs(50),
      p99Ms: this.interval.percentileMs(99),
      maxMs: this.interval.maxMs(),
    });
    this.interval.reset();
    for (const [i, c] of this.queryInterval.entries()) this.queryIntervals[i]!.push(c);
    this.queryInterval = this.queries.map(() => new Map());
    this.intervalOk = 0;
    this.intervalErrors = 0;
    this.intervalStart = now;
  }

  /**
   * Start a tap at `from` (performance.now() ms): until stopTap, every request that overlaps the
   * tapped interval (completed after `from`, started before the interval's end) is also recorded
   * into the tap's own record, e.g. the requests that ran while a migration did.
   */
  startTap(from: number): void {
    this.tapState = { from, until: Infinity, record: new QueryRecord(), completedInside: 0, errors: new Map() };
  }

  /** The tapped interval ends at `until`; requests that started before it still count when they complete. */
  endTapInterval(until: number): void {
    if (this.tapState) this.tapState.until = until;
  }

  /** Stop tapping and hand over what was recorded (null when no tap ran). */
  stopTap(): { record: QueryRecord; completedInside: number; errors: Map<string, number> } | null {
    const t = this.tapState;
    this.tapState = null;
    return t && { record: t.record, completedInside: t.completedInside, errors: t.errors };
  }

  /**
   * A successful request that began at `start` (its intended start in the open loop, its actual
   * start in the closed loop); `scheduled` says whether start is an intended start (then the delay
   * to the hand-over to the router is recorded as schedule lateness).
   */
  ok(query: number, tenant: TenantPlan, start: number, out: RequestOutcome, late: boolean, scheduled: boolean): void {
    const responseMs = out.endAt - start;
    const serviceMs = out.endAt - out.acquiredAt!;
    const t = this.tapState;
    if (t) {
      const now = performance.now();
      if (now >= t.from && now - responseMs <= t.until) {
        t.record.ok++;
        t.record.response.recordMs(responseMs);
        t.record.service.recordMs(serviceMs);
        if (now <= t.until) t.completedInside++;
      }
    }
    const q = this.queries[query]!;
    q.ok++;
    q.response.recordMs(responseMs);
    q.service.recordMs(serviceMs);
    q.byClass[this.classOf.get(tenant.slug) ?? 'small'].recordMs(responseMs);
    if (late) q.late++;
    if (scheduled) {
      q.lateness.recordMs(out.startAt - start);
      this.generatorLateness.recordMs(out.startAt - start);
    }
    q.acquire.recordMs(out.acquiredAt! - out.startAt);
    q.query.recordMs(out.queryDoneAt! - out.acquiredAt!);
    q.commit.recordMs(out.endAt - out.queryDoneAt!);
    this.interval.recordMs(responseMs);
    recordInto(this.queryInterval[query]!, responseMs);
    this.intervalOk++;
  }

  /** A failed request; `latenessMs` is its schedule lateness (open loop), else null. */
  error(query: number, label: string, late: boolean, latenessMs: number | null = null): void {
    const t = this.tapState;
    if (t) {
      const now = performance.now();
      if (now >= t.from && now <= t.until) t.errors.set(label, (t.errors.get(label) ?? 0) + 1);
    }
    const q = this.queries[query]!;
    q.errors.set(label, (q.errors.get(label) ?? 0) + 1);
    if (late) q.late++;
    if (latenessMs !== null) {
      q.lateness.recordMs(latenessMs);
      this.generatorLateness.recordMs(latenessMs);
    }
    this.intervalErrors++;
  }
}
