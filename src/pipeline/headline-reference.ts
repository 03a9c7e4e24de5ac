/**
 * The headline's pgbench reference (headline.reference, or workload.reference pgbench: every query of
 * the mix): after each layout's last window at a headline rate, before the next segment (so never
 * during a measured window, and on the cache that layout's windows left), pgbench drives the
 * reference queries, each at its own offered rate in that headline stream (the others are not
 * sent), with the headline's connections, warm-up and window, one repeat. Its figures go into
 * summary.headline.rates[i].workload.layouts.<layout>.reference; a write, pgbench missing or the
 * pooler are "not measured: <why>".
 */
import { rmSync } from 'node:fs';
import type { ResolvedWorkload } from '../config/load-scenario.js';
import type { LayoutName } from '../config/scenario-schema.js';
import type { WorkloadSummary } from '../results/workload-schema.js';
import { harnessTempDir } from '../temp-dir.js';
import { referenceLayout, referenceTool } from './reference-stage.js';
import type { RunSession } from './run-session.js';

export interface HeadlineReference {
  run(layout: LayoutName, headline: ResolvedWorkload, ws: WorkloadSummary): Promise<void>;
  dispose(): void;
}

/** The reference queries' part of a headline workload: their mix weights are requests/s (combinedMix). */
export function referenceWorkload(headline: ResolvedWorkload, queries: readonly string[]): ResolvedWorkload {
  const mix = Object.fromEntries(queries.filter((q) => (headline.mix[q] ?? 0) > 0).map((q) => [q, headline.mix[q]!]));
  const ratePerS = Object.values(mix).reduce((a, x) => a + x, 0);
  return { ...headline, mix, ratePerS, repeats: 1, warmUntilStable: null };
}

export function headlineReference(s: RunSession, oltpQueries: readonly string[], rates: number): HeadlineReference | null {
  const h = s.scenario.headline!;
  const w = s.scenario.workload;
  const queries = h.reference?.queries ?? (w.reference === 'pgbench' ? oltpQueries : null);
  if (!queries) return null;
  const bin = referenceTool(s);
  const perRun = w.warmupSeconds + w.durationSeconds;
  s.out(
    `headline reference: ${'reason' in bin ? bin.reason : `pgbench ${bin.version}`}; ${queries.join(', ')} at each headline rate after each layout's windows: ` +
      `${w.warmupSeconds} s warm-up + ${w.durationSeconds} s, ${s.layouts.length} layouts x ${rates} rates, about ${perRun * s.layouts.length * rates} s in all`,
  );
  const workDir = 'reason' in bin ? '' : harnessTempDir('pgbench-');
  return {
    run: async (layout, headline, ws) => {
      await referenceLayout(s, { layout, workload: referenceWorkload(headline, queries), bin, workDir, ws });
      s.flush();
    },
    dispose: () => {
      if (workDir) rmSync(workDir, { recursive: true, force: true });
    },
  };
}
