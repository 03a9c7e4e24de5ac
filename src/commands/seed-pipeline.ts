import createDebug from 'debug';
import type { ResolvedScenario } from '../config/load-scenario.js';
import { LAYOUT_NAMES } from '../config/scenario-schema.js';
import type { LayoutName } from '../config/scenario-schema.js';
import { ChecksumMismatchError, errorMessage } from '../errors.js';
import { makeNaming } from '../layouts/common/naming.js';
import type { LayoutContext, SeedProgress, TableChecksums } from '../layouts/layout.js';
import { layout as layoutOf } from '../layouts/registry.js';
import { onInterrupt } from '../lifecycle.js';
import { makeProgress } from '../measure/progress.js';
import { stopwatch } from '../measure/timer.js';
import { createBundle, writeCsv, writeJson, writeSummary } from '../results/bundle.js';
import type { Bundle } from '../results/bundle.js';
import { SUMMARY_SCHEMA_VERSION, summaryJsonSchema } from '../results/summary-schema.js';
import type { Summary } from '../results/summary-schema.js';
import { compareLayouts, datasetChecksum } from '../seed-check.js';
import { captureEnvironment } from '../target/environment.js';
import { openTarget } from '../target/open-target.js';
import type { TargetOptions } from '../target/open-target.js';
import type { Target } from '../target/target.js';
import { buildPools } from '../../seed/pools.js';
import { planDataset } from '../../seed/tenant-plan.js';
import type { DatasetPlan } from '../../seed/tenant-plan.js';
import { TENANT_TABLES } from '../../seed/tenant-plan.js';

const debug = createDebug('tenantbench:seed');

export interface SeedPipelineOptions {
  command: string;
  scenario: ResolvedScenario;
  target: TargetOptions;
  resultsDir: string;
  prefix: string;
  quiet?: boolean;
  /** Where human-readable lines go (stdout by default). */
  out?: (line: string) => void;
}

export interface SeedPipelineResult {
  bundle: Bundle;
  summary: Summary;
}

/**
 * start target -> seed every layout -> checksum each -> compare -> write results/<run-id>/ -> stop.
 * The summary is rewritten after every layout, so a failure or Ctrl-C keeps what was measured.
 */
export async function runSeedPipeline(o: SeedPipelineOptions): Promise<SeedPipelineResult> {
  const out = o.out ?? ((l: string) => process.stdout.write(l + '\n'));
  const scenario = o.scenario;
  const bundle = createBundle(o.resultsDir, scenario.name);
  writeJson(bundle, 'scenario.json', scenario);
  writeJson(bundle, 'summary.schema.json', summaryJsonSchema());
  const order = LAYOUT_NAMES.filter((l) => scenario.layouts.includes(l));
  const summary: Summary = {
    schemaVersion: SUMMARY_SCHEMA_VERSION,
    runId: bundle.runId,
    command: o.command,
    status: 'failed',
    error: null,
    startedAt: new Date().toISOString(),
    finishedAt: null,
    scenario: { name: scenario.name, tenants: scenario.tenants, rows: scenario.rows, seed: scenario.seed, sizes: { ...scenario.sizes }, layouts: order },
    target: { kind: o.target.target, serverVersion: null },
    dataset: { checksum: null, identicalAcrossLayouts: null, layoutsCompared: [], mismatches: [], tenants: [] },
    layouts: Object.fromEntries(
      order.map((l) => [l, { status: 'not-run', description: layoutOf(l).description, reason: 'not reached', rows: null, checksum: null, seed: null, sizes: null }]),
    ),
  };
  const plan = planDataset({ seed: scenario.seed, tenants: scenario.tenants, rows: scenario.rows, sizes: scenario.sizes });
  const byLayout = new Map<LayoutName, Map<string, TableChecksums>>();
  const flush = () => {
    summary.dataset = compareLayouts(plan, byLayout);
    summary.finishedAt = new Date().toISOString();
    writeSummary(bundle, summary);
    writeSeedCsv(bundle, summary);
    writeChecksumCsv(bundle, byLayout);
  };
  const removeHook = onInterrupt(() => {
    summary.status = 'interrupted';
    summary.error = 'interrupted by a signal';
    flush();
    out(`results so far: ${bundle.dir}`);
  });
  const progress = makeProgress({ quiet: o.quiet });
  let target: Target | null = null;
  try {
    target = await openTarget({ ...o.target, log: (l) => out(l) });
    const env = await captureEnvironment(target);
    writeJson(bundle, 'environment.json', env);
    summary.target = { kind: target.kind, serverVersion: env.server.version };
    const ctx = makeLayoutContext({ target, scenario, prefix: o.prefix, progress, serverVersionNum: env.server.versionNum, plan });
    out(`scenario ${scenario.name}: ${scenario.tenants} tenants, ${scenario.rows.toLocaleString('en-US')} rows, sizes ${scenario.sizes.kind}; layouts ${order.join(', ')}`);
    for (const name of order) {
      const impl = layoutOf(name);
      const entry = summary.layouts[name]!;
      progress.start(name, scenario.rows);
      try {
        injectFault(`before:${name}`);
        const r = await impl.seed(ctx);
        (ctx.seeded as Set<LayoutName>).add(name);
        progress.phase(name, 'checksum');
        const sw = stopwatch();
        const sums = await impl.checksums(ctx);
        const checksumSeconds = sw.seconds();
        byLayout.set(name, sums);
        const sizes = await impl.sizes(ctx);
        const rows = [...sums.values()].reduce((s, t) => s + TENANT_TABLES.reduce((a, tb) => a + t[tb].rows, 0), 0);
        Object.assign(entry, {
          status: 'ok',
          reason: null,
          rows,
          checksum: datasetChecksum(sums),
          seed: {
            method: r.method,
            copiedFrom: r.copiedFrom ?? null,
            seconds: { ...r.timings, checksum: checksumSeconds },
            rowsPerSecond: rows / r.timings.total,
            loadRowsPerSecond: r.timings.load > 0 ? rows / r.timings.load : null,
          },
          sizes,
        });
        progress.done(name, `done in ${r.timings.total.toFixed(1)} s (${r.method}), checksum ${entry.checksum}`);
      } catch (err) {
        Object.assign(entry, { status: 'failed', reason: errorMessage(err) });
        for (const rest of order.slice(order.indexOf(name) + 1)) summary.layouts[rest]!.reason = `not run: ${name} failed`;
        throw err;
      } finally {
        flush();
      }
    }
    const ds = summary.dataset;
    if (!ds.identicalAcrossLayouts) {
      const first = ds.mismatches.slice(0, 5).map((m) => `${m.layout}/${m.tenant}/${m.table}: rows ${m.rows} (expected ${m.expectedRows}), hash ${m.hash} vs ${m.referenceHash}`);
      throw new ChecksumMismatchError(`datasets differ across layouts (${ds.mismatches.length} mismatches):\n  ${first.join('\n  ')}`);
    }
    summary.status = 'ok';
    return { bundle, summary };
  } catch (err) {
    summary.status = summary.status === 'interrupted' ? 'interrupted' : 'failed';
    summary.error = errorMessage(err);
    throw Object.assign(err as object, { bundle });
  } finally {
    progress.stop();
    removeHook();
    flush();
    if (target) {
      debug('stopping target');
      await target.stop();
    }
  }
}

function writeSeedCsv(bundle: Bundle, s: Summary): void {
  const rows = Object.entries(s.layouts).map(([name, l]) => [
    name,
    l.status,
    l.seed?.method ?? '',
    l.rows ?? '',
    l.seed?.seconds.provision ?? '',
    l.seed?.seconds.load ?? '',
    l.seed?.seconds.index ?? '',
    l.seed?.seconds.analyze ?? '',
    l.seed?.seconds.total ?? '',
    l.seed?.seconds.checksum ?? '',
    l.seed ? Math.round(l.seed.rowsPerSecond) : '',
    l.sizes?.tableBytes ?? '',
    l.sizes?.indexBytes ?? '',
    l.sizes?.toastBytes ?? '',
    l.sizes?.databaseBytes ?? '',
    l.sizes?.relations ?? '',
    l.checksum ?? '',
  ]);
  writeCsv(
    bundle,
    'seed.csv',
    ['layout', 'status', 'method', 'rows', 'provision_s', 'load_s', 'index_s', 'analyze_s', 'total_s', 'checksum_s', 'rows_per_s', 'table_bytes', 'index_bytes', 'toast_bytes', 'database_bytes', 'relations', 'checksum'],
    rows,
  );
}

function writeChecksumCsv(bundle: Bundle, byLayout: Map<LayoutName, Map<string, TableChecksums>>): void {
  const rows: unknown[][] = [];
  for (const [layout, sums] of byLayout) {
    for (const [slug, t] of [...sums.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      for (const table of TENANT_TABLES) rows.push([slug, layout, table, t[table].rows, t[table].hash]);
    }
  }
  writeCsv(bundle, 'checksums.csv', ['tenant', 'layout', 'table', 'rows', 'hash_sum'], rows);
}

/** Lines of the main table printed at the end of seed/all. */
export function seedTable(s: Summary): string[] {
  const mb = (b: number | undefined) => (b === undefined ? 'n/a' : (b / 1048576).toFixed(1));
  const lines = [
    '| layout | status | rows | seed s | rows/s | method | table MB | index MB | db MB | checksum |',
    '|---|---|---:|---:|---:|---|---:|---:|---:|---|',
  ];
  for (const [name, l] of Object.entries(s.layouts)) {
    lines.push(
      `| ${name} | ${l.status} | ${l.rows?.toLocaleString('en-US') ?? 'not measured'} | ${l.seed?.seconds.total.toFixed(1) ?? 'n/a'} | ${
        l.seed ? Math.round(l.seed.rowsPerSecond).toLocaleString('en-US') : 'n/a'
      } | ${l.seed?.method ?? 'n/a'} | ${mb(l.sizes?.tableBytes)} | ${mb(l.sizes?.indexBytes)} | ${mb(l.sizes?.databaseBytes)} | ${l.checksum ?? 'n/a'} |`,
    );
  }
  return lines;
}


/**
 * Test hook: TENANTBENCH_FAULT=before:<layout> makes the run fail at that point, so the tests can
 * prove that a failure mid-run keeps the results so far and leaves no server behind.
 */
function injectFault(point: string): void {
  if (process.env.TENANTBENCH_FAULT === point) throw new Error(`injected fault (TENANTBENCH_FAULT=${point})`);
}

/** The context layouts work in; shared by the pipeline and the tests. */
export function makeLayoutContext(o: {
  target: Target;
  scenario: ResolvedScenario;
  prefix: string;
  serverVersionNum: number;
  progress?: SeedProgress;
  plan?: DatasetPlan;
}): LayoutContext {
  const { target, scenario } = o;
  // Application-role passwords derive from the admin secret, so later commands can reconnect.
  const secret = target.admin.password || process.env.TENANTBENCH_ROLE_SECRET || `tenantbench:${target.admin.user}`;
  return {
    target,
    scenario,
    plan: o.plan ?? planDataset({ seed: scenario.seed, tenants: scenario.tenants, rows: scenario.rows, sizes: scenario.sizes }),
    pools: buildPools(scenario.seed),
    naming: makeNaming(o.prefix, secret),
    progress: o.progress ?? { phase() {}, rows() {} },
    seeded: new Set<LayoutName>(),
    serverVersionNum: o.serverVersionNum,
  };
}
