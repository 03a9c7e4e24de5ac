import { CannotCompareError, UsageError } from '../errors.js';
import type { LoadedResults } from '../report/load-results.js';
import type { LayoutName } from '../config/scenario-schema.js';
import type { AbSlot } from './ab-plan.js';
import type { AbWindow } from './ab-verdict.js';
import { windowFigures } from './window-metrics.js';

/**
 * `ab --a-runs ... --b-runs ...`: windows from finished bundles instead of a live server, for two
 * harness builds (a pull request's and its base's) run alternately on one runner against the same
 * seeded cluster (`run --seeded --pg-data DIR --repeats 1`, see .github/workflows/perf.yml). Run i
 * of A and run i of B form pair i, one slot per layout both measured; each run's layout figures are
 * one window (its repeats merged).
 */
export function bundleWindows(a: readonly LoadedResults[], b: readonly LoadedResults[]): { slots: AbSlot[]; windows: AbWindow[] } {
  if (a.length !== b.length)
    throw new UsageError(`--a-runs has ${a.length} bundle(s), --b-runs ${b.length}: pairs need as many of each`, 'a-runs');
  const layoutsOf = (r: LoadedResults) => Object.keys(r.summary.workload?.layouts ?? {}) as LayoutName[];
  const common = layoutsOf(a[0]!).filter((l) => [...a, ...b].every((r) => layoutsOf(r).includes(l)));
  if (!common.length) throw new UsageError('--a-runs/--b-runs: no layout has a workload in every bundle', 'a-runs');
  const broken = [...a, ...b].filter((r) => r.summary.status !== 'ok');
  if (broken.length) throw new CannotCompareError(`cannot compare: ${broken.map((r) => `${r.dir} is ${r.summary.status}`).join('; ')}`);
  const windows: AbWindow[] = [];
  for (const [side, runs] of [['A', a] as const, ['B', b] as const]) {
    runs.forEach((r, pair) => {
      for (const layout of common) {
        const l = r.summary.workload!.layouts[layout]!;
        windows.push({ pair, slot: layout, side, layout, startedAt: r.summary.startedAt, figures: windowFigures(l) });
      }
    });
  }
  return { slots: common.map((l) => ({ id: l, a: l, b: l })), windows };
}
