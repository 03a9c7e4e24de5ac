import { performance } from 'node:perf_hooks';
import { LatencyHistogram } from '../measure/latency-histogram.js';
import type { TenantPlan } from '../../seed/tenant-plan.js';
import type { TenantClass } from './tenant-chooser.js';
import type { RequestOutcome } from './execute-request.js';
import { AcquisitionRecord } from './acquisition-record.js';
import type { AcquisitionWire } from './acquisition-record.js';
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
  /** How the router obtained each connection (the acquire phase split: queueing, connecting). */
  readonly acquisition = new AcquisitionRecord();
  ok = 0;
  late = 0;
  readonly errors = new Map<string, number>();

  /**
   * Every histogram of the record by a stable path ('response', 'byClass.small', ...): what add,
   * encode and decode walk, so a phase added as a field (one more LatencyHistogram, also one level
   * down in a plain object) is merged and carried between threads without more code.
   */
  histograms(): [string, LatencyHistogram][] {
    const out: [string, LatencyHistogram][] = [];
    for (const [k, v] of Object.entries(this)) {
      if (v instanceof LatencyHistogram) out.push([k, v]);
      else if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
        for (const [k2, v2] of Object.entries(v as Record<string, unknown>))
          if (v2 instanceof LatencyHistogram) out.push([`${k}.${k2}`, v2]);
      }
    }
    return out;
  }

  add(o: QueryRecord): void {
    const theirs = new Map(o.histograms());
    for (const [path, h] of this.histograms()) {
      const t = theirs.get(path);
      if (t) h.add(t);
    }
    this.acquisition.add(o.acquisition);
    this.ok += o.ok;
    this.late += o.late;
    for (const [k, v] of o.errors) this.errors.set(k, (this.errors.get(k) ?? 0) + v);
  }

  /** Structured-cloneable, exact (HDR V2 encoding): what a generator thread hands to the main thread. */
  encode(): EncodedQueryRecord {
    return {
      histograms: Object.fromEntries(this.histograms().map(([path, h]) => [path, h.encode()])),
      ok: this.ok,
      late: this.late,
      errors: [...this.errors],
      acquisition: this.acquisition.toWire(),
    };
  }

  static decode(e: EncodedQueryRecord): QueryRecord {
    const r = new QueryRecord();
    for (const [path, h] of r.histograms()) {
      const enc = e.histograms[path];
      if (enc !== undefined) h.add(LatencyHistogram.decode(enc));
    }
    r.ok = e.ok;
    r.late = e.late;
    for (const [k, v] of e.errors) r.errors.set(k, v);
    r.acquisition.addWire(e.acquisition);
    return r;
  }

  get errorCount(): number {
    let n = 0;
    for (const v of this.errors.values()) n += v;
    return n;
  }
}

export interface EncodedQueryRecord {
  histograms: Record<string, string>;
  ok: number;
  late: number;
  errors: [string, number][];
  acquisition: AcquisitionWire;
}

export interface EncodedRecorder {
  queries: EncodedQueryRecord[];
  generatorLateness: string;
  intervals: IntervalRow[];
  intervalHistograms: string[];
  /** Per query, per interval: [quantized µs, count] pairs (the bootstrap's blocks). */
  queryIntervals: [number, number][][][];
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

  /** Each closed interval's histogram, encoded: kept when the intervals are merged with other threads' ones. */
  private readonly intervalHistograms: string[] | null;

  constructor(
    queryCount: number,
    private readonly classOf: ReadonlyMap<string, TenantClass>,
    keepIntervalHistograms = false,
  ) {
    this.queries = Array.from({ length: queryCount }, () => new QueryRecord());
    this.intervalHistograms = keepIntervalHistograms ? [] : null;
    this.queryIntervals = this.queries.map(() => []);
    this.queryInterval = this.queries.map(() => new Map());
  }

  /** Everything recorded, structured-cloneable and exact (needs keepIntervalHistograms for the intervals). */
  encode(): EncodedRecorder {
    return {
      queries: this.queries.map((q) => q.encode()),
      generatorLateness: this.generatorLateness.encode(),
      intervals: this.intervals,
      intervalHistograms: this.intervalHistograms ?? [],
      queryIntervals: this.queryIntervals.map((qs) => qs.map((m) => [...m])),
    };
  }

  /**
   * One recorder from several threads' ones, as if one had recorded every sample: histograms are
   * added (HDR add is exact), counts summed, and the i-th intervals of the threads (closed on their
   * own timers from one shared window start) merged into one row.
   */
  static merge(parts: readonly EncodedRecorder[], queryCount: number, classOf: ReadonlyMap<string, TenantClass>): WorkloadRecorder {
    const r = new WorkloadRecorder(queryCount, classOf);
    for (const p of parts) {
      p.queries.forEach((q, i) => {
        r.queries[i]!.add(QueryRecord.decode(q));
      });
      r.generatorLateness.add(LatencyHistogram.decode(p.generatorLateness));
    }
    const n = Math.max(0, ...parts.map((p) => p.intervals.length));
    let prevAt = 0;
    for (let i = 0; i < n; i++) {
      const h = new LatencyHistogram();
      let ok = 0;
      let errors = 0;
      let at = prevAt;
      for (const p of parts) {
        const row = p.intervals[i];
        if (!row) continue;
        ok += row.ok;
        errors += row.errors;
        at = Math.max(at, row.atSeconds);
        const enc = p.intervalHistograms[i];
        if (enc !== undefined) h.add(LatencyHistogram.decode(enc));
      }
      for (let q = 0; q < queryCount; q++) {
        const counts = new Map<number, number>();
        for (const p of parts) for (const [k, c] of p.queryIntervals[q]?.[i] ?? []) counts.set(k, (counts.get(k) ?? 0) + c);
        r.queryIntervals[q]!.push(counts);
      }
      const seconds = at - prevAt;
      r.intervals.push({
        atSeconds: at,
        ok,
        errors,
        throughputPerS: seconds > 0 ? ok / seconds : 0,
        p50Ms: h.percentileMs(50),
        p99Ms: h.percentileMs(99),
        maxMs: h.maxMs(),
      });
      prevAt = at;
    }
    return r;
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
    this.intervalHistograms?.push(this.interval.encode());
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
    if (out.acquisition) q.acquisition.record(out.acquisition);
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
