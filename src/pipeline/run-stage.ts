import type { LayoutName } from '../config/scenario-schema.js';
import { errorMessage } from '../errors.js';
import { writeCsv } from '../results/bundle.js';
import type { Summary } from '../results/summary-schema.js';
import type { WorkloadSummary } from '../results/workload-schema.js';
import { hash32, mulberry32 } from '../../seed/prng.js';
import type { HttpLoadResult } from '../workload/http-load.js';
import { measureHttp } from '../workload/measure-http.js';
import { measureSegment } from '../workload/measure-segment.js';
import type { SegmentOptions, SegmentResult } from '../workload/measure-segment.js';
import { emptyWorkloadSummary, summarizeLayout } from '../workload/summarize-workload.js';
import { warmSegment } from '../workload/warm-segment.js';
import { describeWarmUp } from '../measure/warm-until-stable.js';
import { LatencyHistogram } from '../measure/latency-histogram.js';
import type { TenantRouter } from '../layouts/layout.js';
import { resetCostOrReason } from '../layouts/common/reset-cost.js';
import type { ResetCost } from '../layouts/common/reset-cost.js';
import { layout as layoutOf } from '../layouts/registry.js';
import { IsolationLeakError } from '../verify/verify-errors.js';
import type { EnvOverrides } from '../verify/probe-env.js';
import { httpSection } from '../report/http-section.js';
import { noisyNeighbourSection } from '../report/noisy-neighbour-section.js';
import { sectionLines } from '../report/terminal-section.js';
import { workloadSection } from '../report/workload-section.js';
import type { RunSession } from './run-session.js';
import { breakHook } from './verify-stage.js';

export interface RunStageOptions {
  /** Test hook: called when each segment's measured window begins. */
  onMeasureStart?: (layout: LayoutName, repeat: number) => void;
  /** After a layout's last repeat, before the next segment (the headline's pgbench reference). */
  afterLastRepeat?: (layout: LayoutName, ws: WorkloadSummary) => Promise<void>;
}

/** Fisher-Yates with the scenario's PRNG: a different, reproducible order per repeat. */
export function layoutOrder<T extends string = LayoutName>(layouts: readonly T[], seed: number, repeat: number): T[] {
  const out = [...layouts];
  const rnd = mulberry32(hash32(seed, 0x51, repeat));
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * The workload stage: for each repeat, every seeded layout in a shuffled order (so no layout always
 * runs first on a cold cache or last on a warm one), each with its own warm-up and measured window.
 * Writes summary.workload, workload.csv (one row per layout and query) and workload-intervals.csv.
 * A layout whose measurement throws is marked failed and the others still run; the stage then
 * fails (exit 1) after the last repeat.
 */
export async function runStage(s: RunSession, opts: RunStageOptions = {}): Promise<void> {
  const w = s.scenario.workload;
  const ws: WorkloadSummary = emptyWorkloadSummary(w);
  s.summary.workload = ws;
  const segments = new Map<LayoutName, SegmentResult[]>();
  const noisySegments = new Map<LayoutName, SegmentResult[]>();
  const httpRuns = new Map<LayoutName, HttpLoadResult[]>();
  const intervals: unknown[][] = [];
  s.writers.push(
    () => writeWorkloadCsv(s, ws),
    () =>
      writeCsv(
        s.bundle,
        'workload-intervals.csv',
        ['repeat', 'layout', 'at_s', 'ok', 'errors', 'throughput_per_s', 'p50_ms', 'p99_ms', 'max_ms'],
        intervals,
      ),
  );
  const runnable = s.layouts.filter((l) => s.summary.layouts[l]?.status === 'ok');
  for (const l of s.layouts) {
    if (!runnable.includes(l))
      ws.layouts[l] = { ...summarizeLayout(w, []), reason: `layout not seeded (${s.summary.layouts[l]?.status ?? 'unknown'})` };
  }
  const failed: LayoutName[] = [];
  let unreachable: string | null = null;
  // Test hook (leak probes only): break one layout after seeding, as `verify` does, so a test can
  // prove that probes under load fail the run. A broken router serves that layout's workload too.
  const broken = w.leakProbes.enabled ? breakHook() : null;
  const brokenRouter = new Map<LayoutName, NonNullable<EnvOverrides['newRouter']>>();
  for (const l of runnable) {
    if (broken?.layout !== l) continue;
    const o = await broken.apply(s.ctx);
    await o.router?.close();
    if (o.newRouter) brokenRouter.set(l, o.newRouter);
    s.out(`test hook: ${l} broken (${broken.id}: ${broken.description})`);
  }
  s.out(
    `workload: ${w.mode} loop, ${w.mode === 'closed' ? `${w.users} users` : `${w.ratePerS}/s ${w.arrival}, ${w.users} connections`}, ` +
      `${w.warmupSeconds} s warm-up + ${w.durationSeconds} s per layout, ${w.repeats} repeat(s), ${w.prepared ? 'prepared' : 'unprepared'} statements`,
  );
  // The reset on release's own cost per layout (issue 14): a short micro-measurement before the repeats.
  const resetCosts = new Map<LayoutName, ResetCost>();
  for (const l of runnable) resetCosts.set(l, await resetCostOrReason(s.ctx, layoutOf(l)));
  for (let r = 0; r < w.repeats; r++) {
    const order = layoutOrder(runnable, s.scenario.seed, r).filter((l) => !failed.includes(l));
    ws.order.push(order);
    for (const layout of order) {
      const seg: SegmentOptions = { ctx: s.ctx, layout, workload: w, repeat: r };
      if (opts.onMeasureStart) seg.onMeasureStart = () => opts.onMeasureStart!(layout, r);
      const makeBroken = brokenRouter.get(layout);
      let router: TenantRouter | null = null;
      if (makeBroken) seg.router = router = makeBroken(w.users + (w.noisyNeighbour?.users ?? 0));
      try {
        const warmUp = await warmSegment(seg);
        if (warmUp) s.out(`  repeat ${r + 1}/${w.repeats} ${layout}: warm: ${describeWarmUp(warmUp)}`);
        let res: SegmentResult;
        if (w.noisyNeighbour) {
          // Quiet and noisy back to back, in alternating order per repeat so neither always goes first.
          const pair: SegmentResult[] = [];
          for (const noisy of r % 2 === 0 ? [false, true] : [true, false]) pair[noisy ? 1 : 0] = await measureSegment({ ...seg, noisy });
          res = pair[0]!;
          const n = pair[1]!;
          noisySegments.set(layout, [...(noisySegments.get(layout) ?? []), n]);
          const all = n.recorder.queries.reduce((a, q) => {
            a.add(q.response);
            return a;
          }, new LatencyHistogram());
          s.out(
            `  repeat ${r + 1}/${w.repeats} ${layout} with noisy ${n.noisy?.tenant} (${n.noisy?.perS.toFixed(0)} ${w.noisyNeighbour.query}/s): p50 ${fmt(all.percentileMs(50))} ms, p99 ${fmt(all.percentileMs(99))} ms${n.valid ? '' : ' INVALID'}`,
          );
        } else {
          res = await measureSegment(seg);
        }
        if (warmUp && res.bufferCache) res.bufferCache.warmUp = warmUp;
        const list = segments.get(layout) ?? [];
        list.push(res);
        segments.set(layout, list);
        if (w.http) {
          const h = await measureHttp(s.ctx, layout, w, r);
          httpRuns.set(layout, [...(httpRuns.get(layout) ?? []), h]);
          s.out(
            `  repeat ${r + 1}/${w.repeats} ${layout} over HTTP (autocannon, ${w.http.connections} connections): ${h.requestsPerS.toFixed(0)} req/s, p50 ${h.p50Ms} ms, p99 ${h.p99Ms} ms, non-2xx ${h.non2xx}, errors ${h.errors}`,
          );
        }
        ws.layouts[layout] = summarizeLayout(w, list, noisySegments.get(layout) ?? [], httpRuns.get(layout) ?? []);
        if (res.incomplete) {
          // The target is gone: keep what was measured (flushed below), stop the whole run.
          ws.layouts[layout] = {
            ...ws.layouts[layout]!,
            status: 'failed',
            reason: res.invalidReasons.find((x) => x.startsWith('target unreachable')) ?? 'incomplete',
          };
          unreachable = ws.layouts[layout]!.reason;
        }
        for (const row of res.recorder.intervals) {
          intervals.push([
            r,
            layout,
            row.atSeconds.toFixed(3),
            row.ok,
            row.errors,
            row.throughputPerS.toFixed(1),
            row.p50Ms ?? '',
            row.p99Ms ?? '',
            row.maxMs ?? '',
          ]);
        }
        const all = ws.layouts[layout]!.all!;
        const errs = res.recorder.queries.reduce((a, q) => a + q.errorCount, 0);
        s.out(
          `  repeat ${r + 1}/${w.repeats} ${layout}: ${res.recorder.queries.reduce((a, q) => a + q.ok, 0)} ok, ${errs} errors, ` +
            `p50 ${fmt(all.repeats.at(-1)?.p50Ms)} ms, p99 ${fmt(all.repeats.at(-1)?.p99Ms)} ms${res.valid ? '' : ` INVALID: ${res.invalidReasons.join('; ')}`}`,
        );
      } catch (err) {
        failed.push(layout);
        ws.layouts[layout] = {
          ...summarizeLayout(w, segments.get(layout) ?? [], noisySegments.get(layout) ?? [], httpRuns.get(layout) ?? []),
          status: 'failed',
          reason: errorMessage(err),
        };
        s.out(`  repeat ${r + 1}/${w.repeats} ${layout}: FAILED: ${errorMessage(err)}`);
      } finally {
        await router?.close();
        s.flush();
      }
      if (unreachable) break;
      if (opts.afterLastRepeat && r === w.repeats - 1 && ws.layouts[layout]?.status === 'ok') await opts.afterLastRepeat(layout, ws);
    }
    if (unreachable) break;
  }
  for (const [l, c] of resetCosts) if (ws.layouts[l]) ws.layouts[l].resetOnRelease = c;
  if (w.leakProbes.enabled) for (const l of leakProbeTable(s.summary)) s.out(l);
  const leaky = Object.entries(ws.layouts).filter(([, l]) => (l.leakProbes?.leaked ?? 0) > 0);
  if (leaky.length) {
    throw new IsolationLeakError(
      `leak probes under load: rows of another tenant seen in ${leaky.map(([n]) => n).join(', ')}:\n  ` +
        leaky
          .map(
            ([n, l]) =>
              `${n}: ${l.leakProbes!.leaked} of ${l.leakProbes!.probes} probes leaked (${l.leakProbes!.rowsOfOtherTenants} rows); first: ${l.leakProbes!.firstLeak!.probe} as ${l.leakProbes!.firstLeak!.tenant}: ${l.leakProbes!.firstLeak!.detail}`,
          )
          .join('\n  '),
    );
  }
  if (unreachable) throw new Error(`workload stopped: ${unreachable}`);
  if (failed.length) throw new Error(`workload failed in ${failed.join(', ')}: ${failed.map((l) => ws.layouts[l]?.reason).join('; ')}`);
}

const fmt = (x: number | null | undefined) => (x === null || x === undefined ? 'n/a' : x < 10 ? x.toFixed(2) : x.toFixed(1));

function writeWorkloadCsv(s: RunSession, ws: WorkloadSummary): void {
  const rows: unknown[][] = [];
  for (const [layout, l] of Object.entries(ws.layouts)) {
    for (const [query, q] of Object.entries(l.queries)) {
      rows.push([
        layout,
        query,
        q.mode,
        q.valid,
        q.count,
        Object.values(q.errors).reduce((a, b) => a + b, 0),
        q.p50Ms ?? '',
        q.p95Ms ?? '',
        q.p99Ms ?? '',
        q.p999Ms ?? '',
        q.maxMs ?? '',
        q.throughputPerS?.toFixed(1) ?? '',
        q.offeredPerS?.toFixed(1) ?? '',
        q.late ?? '',
        q.service.p50Ms ?? '',
        q.service.p99Ms ?? '',
        q.spread.p99Ms.min ?? '',
        q.spread.p99Ms.max ?? '',
      ]);
    }
  }
  writeCsv(
    s.bundle,
    'workload.csv',
    [
      'layout',
      'query',
      'mode',
      'valid',
      'count',
      'errors',
      'p50_ms',
      'p95_ms',
      'p99_ms',
      'p999_ms',
      'max_ms',
      'throughput_per_s',
      'offered_per_s',
      'late',
      'service_p50_ms',
      'service_p99_ms',
      'p99_min_ms',
      'p99_max_ms',
    ],
    rows,
  );
}

/** The leak probes under load per layout: how many ran, how many leaked. */
export function leakProbeTable(summary: Summary): string[] {
  const rows = Object.entries(summary.workload?.layouts ?? {}).filter(([, l]) => l.leakProbes);
  if (!rows.length) return [];
  const lines = [
    '| layout | leak probes under load | leaked | rows of other tenants | findings | first leak |',
    '|---|---:|---:|---:|---:|---|',
  ];
  for (const [layout, l] of rows) {
    const p = l.leakProbes!;
    const first = p.firstLeak ? `${p.firstLeak.probe} as ${p.firstLeak.tenant}: ${p.firstLeak.detail}` : '-';
    lines.push(
      `| ${layout} | ${p.probes} | ${p.leaked > 0 ? `${p.leaked} LEAKED` : '0'} | ${p.rowsOfOtherTenants} | ${p.findings} | ${first} |`,
    );
  }
  return lines;
}

/** What `run` prints at the end: the report's workload, noisy-neighbour and HTTP sections. */
export function workloadTable(summary: Summary): string[] {
  return [workloadSection(summary), noisyNeighbourSection(summary), httpSection(summary)]
    .filter((x) => x !== null)
    .flatMap((x, i) => [...(i ? [''] : []), ...sectionLines(x)]);
}
