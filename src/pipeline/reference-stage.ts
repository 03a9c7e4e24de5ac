/**
 * The reference run (workload.reference, `run --reference pgbench`): after the workload stage's
 * measured windows (never at the same time), each measured layout is driven by pgbench on the same
 * SQL, rate and connections; its figures go into summary.workload.layouts.<layout>.reference.
 * A missing pgbench or a pgbench that fails is "not measured: <why>", never a failed run.
 * The headline (headline-stage.ts) uses the same pieces at each of its rates.
 */
import { rmSync } from 'node:fs';
import type { ResolvedWorkload } from '../config/load-scenario.js';
import type { LayoutName } from '../config/scenario-schema.js';
import { errorMessage } from '../errors.js';
import { isInterrupting } from '../lifecycle.js';
import type { ReferenceQuery, WorkloadSummary } from '../results/workload-schema.js';
import { harnessTempDir } from '../temp-dir.js';
import { findPgbench } from '../workload/pgbench-binary.js';
import type { PgbenchBinary } from '../workload/pgbench-binary.js';
import { measureReference, referenceNotMeasured } from '../workload/pgbench-measure.js';
import type { RunSession } from './run-session.js';

/** pgbench for this session, or why the reference cannot run at all. */
export function referenceTool(s: RunSession): PgbenchBinary | { reason: string } {
  // Through PgBouncer tenantbench measures the pooler too; pgbench would not go through it.
  return s.scenario.pooler
    ? { reason: 'not measured: the workload ran through PgBouncer (pooler scenario) and pgbench would connect directly' }
    : findPgbench(s.target, Math.floor(s.ctx.serverVersionNum / 10000));
}

/** One layout's reference run into ws.layouts[layout].reference; a failure is "not measured: pgbench failed". */
export async function referenceLayout(
  s: RunSession,
  o: { layout: LayoutName; workload: ResolvedWorkload; bin: PgbenchBinary | { reason: string }; workDir: string; ws: WorkloadSummary },
): Promise<void> {
  const { layout, workload: w, bin, ws } = o;
  const lw = ws.layouts[layout];
  if (!lw) return;
  if ('reason' in bin) {
    lw.reference = referenceNotMeasured(w, bin.reason);
    return;
  }
  try {
    const ref = await measureReference({ ctx: s.ctx, layout, workload: w, pgbench: bin, workDir: o.workDir });
    lw.reference = ref;
    s.out(
      `  ${layout} (pgbench, ${ref.processes} process(es), ${ref.connections} connections): ${Object.entries(ref.queries)
        .map(([q, r]) => `${q} ${describe(r)}`)
        .join('; ')}`,
    );
    for (const warning of ref.warnings) s.out(`  ${layout}: ${warning}`);
  } catch (err) {
    if (isInterrupting()) throw err;
    lw.reference = referenceNotMeasured(w, `not measured: pgbench failed: ${errorMessage(err)}`, bin.version);
    s.out(`  ${layout} (pgbench): FAILED: ${errorMessage(err)}`);
  }
}

export async function referenceStage(s: RunSession): Promise<void> {
  const w = s.scenario.workload;
  const ws = s.summary.workload;
  if (!ws) return;
  const measured = s.layouts.filter((l) => ws.layouts[l]?.status === 'ok');
  const bin = referenceTool(s);
  if ('reason' in bin) {
    for (const layout of measured) await referenceLayout(s, { layout, workload: w, bin, workDir: '', ws });
    s.out(`reference: ${bin.reason}`);
    s.flush();
    return;
  }
  s.out(
    `reference: pgbench ${bin.version} (${bin.path}), same ${w.mode === 'open' ? 'offered rate' : 'connections'}, ${w.warmupSeconds} s warm-up + ${w.durationSeconds} s per layout`,
  );
  const workDir = harnessTempDir('pgbench-');
  try {
    for (const layout of measured) {
      await referenceLayout(s, { layout, workload: w, bin, workDir, ws });
      s.flush();
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

function describe(r: ReferenceQuery): string {
  if (!r.measured) return `not measured (${r.reason})`;
  const f = (x: number | null) => (x === null ? 'n/a' : x.toFixed(2));
  return `${r.transactions} tx, p50 ${f(r.p50Ms)} ms, p99 ${f(r.p99Ms)} ms${r.failures ? `, ${r.failures} failed` : ''}`;
}
