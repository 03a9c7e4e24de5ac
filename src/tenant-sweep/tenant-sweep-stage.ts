/**
 * The tenant-scale sweep (`all` on a scenario with `sweep`): one step per tenant count, all in the
 * one target of the run, each step the scenario at that count with the same total rows. A step
 * reuses the ordinary stages on a session of its own (its scenario, plan and layout context):
 * seed (with the cross-layout checksum check), sizes (catalog rows and bytes, backend catalog
 * cache after touching every tenant), the workload (P50/P99, router and server connections),
 * migrations (one unit at a time, then `parallel` at a time), and a verified single-tenant
 * backup of the largest tenant. The harness's own memory is sampled throughout. The previous
 * step's databases are dropped before the next step seeds, so disk stays bounded.
 */
import { errorMessage } from '../errors.js';
import { withAdmin } from '../db/client.js';
import type { SweepStep } from '../config/tenant-sweep-config.js';
import { layoutNames } from '../layouts/layout-names.js';
import type { LayoutName } from '../config/scenario-schema.js';
import type { RunSession } from '../pipeline/run-session.js';
import { makeLayoutContext } from '../pipeline/run-session.js';
import { seedStage } from '../pipeline/seed-stage.js';
import { runStage } from '../pipeline/run-stage.js';
import { layout as layoutOf } from '../layouts/registry.js';
import { isInterrupting } from '../lifecycle.js';
import type { LayoutContext, TableChecksums } from '../layouts/layout.js';
import { stopwatch } from '../measure/timer.js';
import { backupLayout } from '../operations/backup/backup-stage.js';
import { migrateStage } from '../operations/migrations/migrate-stage.js';
import { sizesStage } from '../operations/sizes/sizes-stage.js';
import type { Summary } from '../results/summary-schema.js';
import type { SweepLayout, SweepStepSummary, SweepSummary } from '../results/sweep-schema.js';
import { compareLayouts } from '../seed-check.js';
import { HarnessMemorySampler } from './harness-memory.js';
import { sampleServerConnections } from './server-connections.js';
import { writeSweepCsv } from './tenant-sweep-csv.js';
import { type LimitFigures, measureLimits } from './limits-step.js';

export interface SweepOptions {
  /** Units migrated at once in the parallel pass (the one-at-a-time pass is measured first). */
  parallel: number;
  skipRun?: boolean;
  skipOperations?: boolean;
}

/** Why the run's own layout entries stay empty: every figure is per step, in summary.sweep. */
export const SWEEP_LAYOUT_REASON = 'sweep run: see the tenant-scale tables (summary.sweep)';

/** What one step measured apart from the stages' own summary entries. */
interface StepExtras {
  serverPeaks: Map<LayoutName, number> | null;
  dumps: Map<LayoutName, NonNullable<SweepLayout['tenantDump']>>;
  limits: Map<LayoutName, LimitFigures>;
  skipped: Map<string, string>;
}

export async function tenantSweepStage(s: RunSession, o: SweepOptions): Promise<void> {
  const sweep = s.scenario.sweep;
  if (!sweep) throw new Error('tenantSweepStage: the scenario has no sweep');
  const serverMax = await withAdmin(s.target, s.target.admin.database, async (c) =>
    Number((await c.query<{ v: string }>("SELECT current_setting('max_connections') AS v")).rows[0]!.v),
  );
  const summary: SweepSummary = {
    tenantCounts: sweep.steps.map((st) => st.tenants),
    rows: s.scenario.rows,
    parallel: o.parallel,
    databaseMaxConnections: s.scenario.layoutOptions.database.maxConnections,
    serverMaxConnections: Number.isFinite(serverMax) && serverMax > 0 ? serverMax : null,
    ...(sweep.limits ? { limits: { ...sweep.limits, ramBytes: s.env.machine.memoryBytes || null } } : {}),
    steps: sweep.steps.map((st) => ({
      tenants: st.tenants,
      rows: st.scenario.rows,
      layouts: [...st.layouts],
      status: 'not-run',
      reason: 'not reached',
      seconds: null,
      datasetChecksum: null,
      harness: null,
      perLayout: {},
    })),
  };
  s.summary.sweep = summary;
  for (const l of s.layouts) Object.assign(s.summary.layouts[l]!, { status: 'not-run', reason: SWEEP_LAYOUT_REASON });
  s.writers.push(() => writeSweepCsv(s.bundle, summary));
  s.out(
    `tenant-scale sweep: ${sweep.steps.map((st) => `${st.tenants} (${st.layouts.length === s.layouts.length ? 'all layouts' : st.layouts.join(', ')})`).join(', ')} tenants, ` +
      `${s.scenario.rows.toLocaleString('en-US')} rows in every step; server max_connections ${summary.serverMaxConnections ?? 'unknown'}, database layout cap ${summary.databaseMaxConnections}`,
  );
  const errors: unknown[] = [];
  let previous: { ctx: LayoutContext; layouts: readonly LayoutName[] } | null = null;
  for (const [i, step] of sweep.steps.entries()) {
    if (previous) {
      // Keep disk bounded: the previous step's databases go before this step seeds.
      const sw = stopwatch();
      s.out(`sweep: dropping the ${sweep.steps[i - 1]!.tenants}-tenant step's databases`);
      // Reverse order: the rls database is a copy of the shared one and still holds grants to its role.
      for (const l of [...previous.layouts].reverse()) await layoutOf(l).destroy(previous.ctx);
      s.out(`sweep: dropped the ${sweep.steps[i - 1]!.tenants}-tenant step's databases in ${sw.seconds().toFixed(1)} s`);
    }
    const entry = summary.steps[i]!;
    const ctx = makeLayoutContext({
      target: s.target,
      scenario: step.scenario,
      prefix: s.ctx.naming.prefix,
      progress: s.progress,
      serverVersionNum: s.ctx.serverVersionNum,
    });
    previous = { ctx, layouts: step.layouts };
    s.out(`sweep step ${i + 1}/${sweep.steps.length}: ${step.tenants} tenants, layouts ${step.layouts.join(', ')}`);
    try {
      await runStep(s, step, entry, ctx, o);
    } catch (err) {
      if (isInterrupting()) throw err;
      errors.push(err);
      s.out(`sweep step ${i + 1}/${sweep.steps.length} (${step.tenants} tenants) FAILED: ${errorMessage(err)}`);
    }
    const h = entry.harness;
    s.out(
      `sweep step ${i + 1}/${sweep.steps.length}: ${step.tenants} tenants ${entry.status}${entry.seconds !== null ? ` in ${entry.seconds.toFixed(1)} s` : ''}` +
        `${h ? `; harness peak RSS ${mb(h.peakRssBytes)} MB, peak heap ${mb(h.peakHeapUsedBytes)} MB` : ''}`,
    );
  }
  s.flush();
  if (errors.length) throw errors[0];
}

const mb = (b: number) => (b / 1048576).toFixed(1);

async function runStep(s: RunSession, step: SweepStep, entry: SweepStepSummary, ctx: LayoutContext, o: SweepOptions): Promise<void> {
  const memory = new HarnessMemorySampler();
  const sw = stopwatch();
  const extras: StepExtras = { serverPeaks: null, dumps: new Map(), limits: new Map(), skipped: new Map() };
  const limits = s.scenario.sweep?.limits ?? null;
  const checksums = new Map<LayoutName, Map<string, TableChecksums>>();
  const stepSummary: Summary = {
    ...s.summary,
    scenario: { ...s.summary.scenario, tenants: step.tenants, layouts: [...step.layouts] },
    dataset: compareLayouts(ctx.plan, checksums),
    layouts: Object.fromEntries(
      step.layouts.map((l) => [
        l,
        {
          status: 'not-run',
          description: layoutOf(l).description,
          reason: 'not reached',
          rows: null,
          checksum: null,
          seed: null,
          sizes: null,
        },
      ]),
    ),
    workload: undefined,
    isolation: undefined,
    sweep: undefined,
  };
  entry.status = 'failed';
  entry.reason = 'interrupted';
  const collect = () => {
    stepSummary.dataset = compareLayouts(ctx.plan, checksums);
    entry.datasetChecksum = stepSummary.dataset.identicalAcrossLayouts ? stepSummary.dataset.checksum : null;
    entry.seconds = sw.seconds();
    entry.harness = memory.current();
    for (const l of step.layouts) entry.perLayout[l] = layoutFigures(l, stepSummary, extras, layoutOf(l).connectionCap(s.scenario));
  };
  // A session of its own: the stages write into the step's summary; every flush folds it into
  // summary.sweep and rewrites the run's summary.json (the stages' own CSV writers are not kept:
  // sweep.csv holds the step's figures).
  const stepSession: RunSession = {
    ...s,
    summary: stepSummary,
    scenario: step.scenario,
    layouts: layoutNames().filter((l) => step.layouts.includes(l)),
    ctx,
    checksums,
    writers: [],
    out: (line) => s.out(`  [${step.tenants} tenants] ${line}`),
    flush: () => {
      collect();
      s.flush();
    },
  };
  const failures: unknown[] = [];
  try {
    await seedStage(stepSession);
    await sizesStage(stepSession);
    if (o.skipRun) extras.skipped.set('workload', 'not measured: --skip-run');
    else {
      const sampler = await sampleServerConnections(ctx, step.layouts);
      try {
        await runStage(stepSession);
      } catch (err) {
        failures.push(err);
      } finally {
        extras.serverPeaks = await sampler.stop();
      }
    }
    if (limits && !o.skipOperations)
      for (const l of stepSession.layouts) {
        extras.limits.set(l, await measureLimits(ctx, l, stepSession.out));
        stepSession.flush();
      }
    if (limits?.migrateUpTo && step.tenants > limits.migrateUpTo)
      extras.skipped.set('migration', `not measured: above sweep.limits.migrateUpTo (${limits.migrateUpTo} tenants, a time box)`);
    if (o.skipOperations) {
      extras.skipped.set('migration', 'not measured: --skip-operations');
      extras.skipped.set('tenantDump', 'not measured: --skip-operations');
    } else {
      if (!extras.skipped.has('migration'))
        try {
          await migrateStage(stepSession, { parallel: o.parallel, compareSequential: true, underLoad: false });
        } catch (err) {
          failures.push(err);
        }
      for (const l of stepSession.layouts) {
        extras.dumps.set(l, await tenantDump(stepSession, l));
        stepSession.flush();
      }
    }
  } catch (err) {
    failures.push(err);
  } finally {
    memory.stop();
    collect();
    entry.status = failures.length ? 'failed' : 'ok';
    entry.reason = failures.length ? failures.map((e) => errorMessage(e).split('\n')[0]).join('; ') : null;
    s.flush();
  }
  if (failures.length) throw failures[0];
}

/** The largest tenant, backed up by the first pg_dump that can select it (else the COPY export), restored and checksummed. */
async function tenantDump(s: RunSession, layout: LayoutName): Promise<NonNullable<SweepLayout['tenantDump']>> {
  if (s.summary.layouts[layout]?.status !== 'ok') return { status: 'not measured', reason: 'not measured: layout not seeded' };
  const tenant = [...s.ctx.plan.tenants].sort((a, b) => b.rows - a.rows || a.index - b.index)[0]!;
  try {
    const b = await backupLayout(s, layout, { full: false, firstMethodOnly: true, tenants: [tenant.slug], jobs: 1 });
    const a = b.artifacts[0];
    if (!a) return { status: 'not measured', reason: `not measured: ${b.reason ?? 'no single-tenant backup applies'}` };
    if (a.status === 'not measured') return { status: 'not measured', reason: a.reason ?? 'not measured' };
    s.out(
      `${layout}: single-tenant backup of ${tenant.slug} (${a.method}): ${a.status}${a.seconds !== null ? ` in ${a.seconds.toFixed(2)} s` : ''}${a.restore?.seconds != null ? `, restored and verified in ${a.restore.seconds.toFixed(2)} s` : ''}`,
    );
    return {
      status: a.status,
      method: a.method,
      tenant: tenant.slug,
      seconds: a.seconds,
      bytes: a.bytes,
      restoreSeconds: a.restore?.seconds ?? null,
      error: a.reason,
    };
  } catch (err) {
    return {
      status: 'failed',
      method: 'unknown',
      tenant: tenant.slug,
      seconds: null,
      bytes: null,
      restoreSeconds: null,
      error: errorMessage(err),
    };
  }
}

/** `cap`: the layout's own per-database connection cap, null when it has none. */
function layoutFigures(l: LayoutName, step: Summary, extras: StepExtras, cap: number | null): SweepLayout {
  const e = step.layouts[l]!;
  const notes: string[] = [];
  const detail = e.sizes?.detail ?? null;
  const mem = detail?.catalogMemory ?? null;
  if (!detail)
    notes.push(`catalog: ${e.status === 'ok' ? 'not measured: sizes not collected' : `not measured: ${e.reason ?? 'layout not seeded'}`}`);
  else if (mem && mem.status !== 'ok') notes.push(`catalog cache: ${mem.reason}`);
  const w = step.workload?.layouts[l] ?? null;
  const all = w?.all ?? null;
  if (extras.skipped.has('workload')) notes.push(`workload: ${extras.skipped.get('workload')}`);
  else if (w?.status !== 'ok') notes.push(`workload: not measured: ${w?.reason ?? 'did not run'}`);
  else if (!w.valid) notes.push(`workload: invalid repeats: ${w.invalidReasons.join('; ')}`);
  const m = e.migration ?? null;
  if (extras.skipped.has('migration')) notes.push(`migration: ${extras.skipped.get('migration')}`);
  else if (!m) notes.push('migration: not measured: did not run');
  const dump = extras.dumps.get(l) ?? null;
  const limits = extras.limits.get(l);
  if (extras.skipped.has('tenantDump')) notes.push(`single-tenant backup: ${extras.skipped.get('tenantDump')}`);
  else if (dump && dump.status === 'not measured') notes.push(`single-tenant backup: ${dump.reason}`);
  return {
    status: e.status,
    reason: e.reason,
    seedSeconds: e.seed?.seconds.total ?? null,
    rows: e.rows,
    pgClassRows: detail?.pgClassRows ?? null,
    catalogBytes: detail?.catalogBytes ?? null,
    databases: e.sizes?.databases ?? null,
    catalogCache:
      mem && mem.status === 'ok'
        ? {
            backends: mem.backends,
            relationsTouched: mem.relationsTouched,
            bytesBefore: mem.cacheBytesBefore,
            bytesAfter: mem.cacheBytesAfter,
            totalBytesAfter: mem.backendBytesAfter,
          }
        : null,
    workload:
      w && w.status === 'ok' && all
        ? {
            p50Ms: all.p50Ms,
            p99Ms: all.p99Ms,
            count: all.count,
            errors: Object.values(all.errors).reduce((a, b) => a + b, 0),
            throughputPerS: all.throughputPerS,
            valid: all.valid,
          }
        : null,
    migration: m
      ? {
          status: m.status,
          units: m.units,
          parallel: m.parallel,
          sequentialSeconds: m.sequential?.seconds ?? (m.units <= 1 || m.parallel === 1 ? m.seconds : null),
          parallelSeconds: m.seconds,
        }
      : null,
    tenantDump: dump,
    ...(limits ? { fullDump: limits.fullDump, addTenant: limits.addTenant } : {}),
    connections: w?.connections
      ? {
          cap,
          opened: w.connections.opened,
          closed: w.connections.closed,
          peakOpen: w.connections.peakOpen,
          serverPeak: extras.serverPeaks ? (extras.serverPeaks.get(l) ?? 0) : null,
        }
      : null,
    notes,
  };
}
