import { layout as layoutOf } from '../layouts/registry.js';
import type { RunSession } from '../pipeline/run-session.js';
import { writeCsv, writeJson } from '../results/bundle.js';
import { measureSegment } from '../workload/measure-segment.js';
import { summarizeLayout } from '../workload/summarize-workload.js';
import { planWindows } from './ab-plan.js';
import type { AbSlot, PlannedWindow } from './ab-plan.js';
import type { AbSide } from './ab-side.js';
import { abVerdict } from './ab-verdict.js';
import type { AbVerdict, AbWindow } from './ab-verdict.js';
import type { VerdictOptions } from './paired-verdict.js';
import { layoutDatabases, settleLayouts } from '../measure/settle-databases.js';
import { applySidePolicy, sideContext } from './side-policy.js';
import { applySideSettings, checkSideSettings } from './side-settings.js';
import { windowFigures } from './window-metrics.js';

export interface AbRunOptions {
  a: AbSide;
  b: AbSide;
  slots: AbSlot[];
  pairs: number;
  /** Pairs run first and left out of the verdict: the server settling after its start and the seed (autovacuum, hint bits, caches). */
  settlePairs: number;
  /** The window order's seed (planWindows): which side starts, the slots' shuffle. */
  orderSeed: number;
  verdict: VerdictOptions & { gate?: readonly string[] };
  /** Test hook: called as each window begins. */
  onWindow?: (w: PlannedWindow) => void;
}

/** What ab.json holds: both sides, every window in the order run, and the verdict. */
export interface AbResult {
  sides: Record<'A' | 'B', { description: string; layouts: string[]; settings: Record<string, string>; workload: unknown }>;
  pairs: number;
  /** The window order's seed: `ab --order-seed` with it reproduces `order`. */
  orderSeed: number;
  order: string[];
  /** The settling pairs' windows (pair numbers before 0), kept to show the ramp, never judged. */
  settling: AbWindow[];
  windows: AbWindow[];
  verdict: AbVerdict | null;
}

/**
 * The A/B windows on the session's seeded layouts: planWindows' ABBA order, each window a fresh
 * router with the side's workload, layout and settings (measureSegment: warm-up, measured window,
 * the generator watched), then the paired verdict. Writes ab.json and ab-windows.csv into the
 * bundle after every window. A window that throws fails the run; an invalid one is kept and left
 * out of the verdict's pairs.
 */
export async function abStage(s: RunSession, o: AbRunOptions): Promise<AbResult> {
  await checkSideSettings(s.target, { A: o.a.settings, B: o.b.settings });
  const names = [...new Set([...Object.keys(o.a.settings), ...Object.keys(o.b.settings)])];
  // Settling pairs first, in the same ABBA sequence; the measured pairs are numbered from 0.
  const plan = planWindows(o.slots, o.settlePairs + o.pairs, o.orderSeed).map((w) => ({ ...w, pair: w.pair - o.settlePairs }));
  const result: AbResult = {
    sides: {
      A: { description: o.a.description, layouts: o.a.layouts, settings: o.a.settings, workload: o.a.scenario.workload },
      B: { description: o.b.description, layouts: o.b.layouts, settings: o.b.settings, workload: o.b.scenario.workload },
    },
    pairs: o.pairs,
    orderSeed: o.orderSeed,
    order: plan.map((w) => `${w.pair}:${w.slot.id}:${w.side}`),
    settling: [],
    windows: [],
    verdict: null,
  };
  s.writers.push(
    () => writeJson(s.bundle, 'ab.json', result),
    () =>
      writeCsv(
        s.bundle,
        'ab-windows.csv',
        ['pair', 'slot', 'side', 'layout', 'started_at', 'valid', 'metric', 'value'],
        [...result.settling, ...result.windows].flatMap((w) =>
          Object.entries(w.figures.values).map(([k, v]) => [w.pair, w.slot, w.side, w.layout, w.startedAt, w.figures.valid, k, v ?? '']),
        ),
      ),
  );
  for (const slot of o.slots) {
    for (const l of [slot.a, slot.b]) {
      if (s.summary.layouts[l]?.status !== 'ok')
        throw new Error(`ab: layout ${l} is not seeded (${s.summary.layouts[l]?.reason ?? 'unknown'})`);
    }
  }
  s.out(`window order seed ${o.orderSeed} (A starts: ${plan[0]?.side === 'A'}; --order-seed ${o.orderSeed} reproduces the order)`);
  const abLayouts = [...new Set(o.slots.flatMap((x) => [x.a, x.b]))];
  const allDatabases = layoutDatabases(s.ctx, abLayouts);
  await settleLayouts(s, abLayouts, 'ab');
  let failed = false;
  const seededForm = s.scenario.layoutOptions.rls.policy;
  let form = seededForm;
  try {
    for (const w of plan) {
      const side = w.side === 'A' ? o.a : o.b;
      const layout = w.side === 'A' ? w.slot.a : w.slot.b;
      await applySideSettings(s.target, layoutOf(layout).databases(s.ctx), side.settings, names, `--${w.side.toLowerCase()}-pg-setting`);
      const ctx = sideContext(s.ctx, side.scenario);
      if (layout === 'rls') form = await applySidePolicy(ctx, form, side.scenario.layoutOptions.rls.policy);
      o.onWindow?.(w);
      const startedAt = new Date().toISOString();
      const seg = await measureSegment({ ctx, layout, workload: side.scenario.workload, repeat: w.pair });
      if (seg.incomplete) throw new Error(`ab: ${w.side} window on ${layout} stopped: ${seg.invalidReasons.join('; ')}`);
      const figures = windowFigures(summarizeLayout(side.scenario.workload, [seg]));
      (w.pair < 0 ? result.settling : result.windows).push({ pair: w.pair, slot: w.slot.id, side: w.side, layout, startedAt, figures });
      const all = (k: string) => figures.values[`all/${k}`];
      s.out(
        `  ${w.pair < 0 ? `settling pair ${w.pair + o.settlePairs + 1}/${o.settlePairs}` : `pair ${w.pair + 1}/${o.pairs}`} ${w.slot.id} ${w.side}: p50 ${fmt(all('p50'))} ms, p99 ${fmt(all('p99'))} ms, ${fmt(all('throughput'))}/s` +
          (figures.valid ? '' : ` INVALID (left out of the verdict): ${figures.invalidReasons.join('; ')}`),
      );
      s.flush();
    }
  } catch (err) {
    failed = true;
    throw err;
  } finally {
    // Leave the databases as seeded; after a failure (the server may be gone) the first error is the one to report.
    await applySideSettings(s.target, allDatabases, {}, names, '--pg-setting').catch((err: unknown) => {
      if (!failed) throw err;
    });
    await applySidePolicy(s.ctx, form, seededForm).catch((err: unknown) => {
      if (!failed) throw err;
    });
  }
  result.verdict = abVerdict(o.slots, result.windows, o.verdict);
  s.flush();
  return result;
}

const fmt = (x: number | null | undefined) => (x === null || x === undefined ? 'n/a' : x < 10 ? x.toFixed(2) : x.toFixed(1));
