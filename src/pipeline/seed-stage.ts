import { ChecksumMismatchError, errorMessage } from '../errors.js';
import type { LayoutName } from '../config/scenario-schema.js';
import { layout as layoutOf } from '../layouts/registry.js';
import { stopwatch } from '../measure/timer.js';
import { writeCsv } from '../results/bundle.js';
import type { Summary } from '../results/summary-schema.js';
import { datasetChecksum } from '../seed-check.js';
import { checkCustomQueries } from '../workload/custom-query-check.js';
import { datasetSection } from '../report/dataset-section.js';
import { seedSection } from '../report/seed-section.js';
import { sizesSection } from '../report/sizes-section.js';
import { sectionLines } from '../report/terminal-section.js';
import { TENANT_TABLES } from '../../seed/tenant-plan.js';
import type { RunSession } from './run-session.js';

/**
 * Seed every layout of the session (or, with `reuse`, check the layouts a previous `seed` left on
 * the target), checksum each, and fail if the datasets differ. Writes seed.csv and checksums.csv.
 */
export async function seedStage(s: RunSession, opts: { reuse?: boolean } = {}): Promise<void> {
  const { ctx, summary, progress } = s;
  s.writers.push(
    () => writeSeedCsv(s),
    () => writeChecksumCsv(s),
  );
  s.out(
    `scenario ${s.scenario.name}: ${s.scenario.tenants} tenants, ${s.scenario.rows.toLocaleString('en-US')} rows, sizes ${s.scenario.sizes.kind}; layouts ${s.layouts.join(', ')}${
      opts.reuse ? ' (already seeded: checking)' : ''
    }`,
  );
  for (const name of s.layouts) {
    const impl = layoutOf(name);
    const entry = summary.layouts[name]!;
    progress.start(name, s.scenario.rows);
    try {
      injectFault(`before:${name}`);
      const r = opts.reuse ? null : await impl.seed(ctx);
      (ctx.seeded as Set<LayoutName>).add(name);
      progress.phase(name, 'checksum');
      const sw = stopwatch();
      const sums = await impl.checksums(ctx);
      const checksumSeconds = sw.seconds();
      s.checksums.set(name, sums);
      const sizes = await impl.sizes(ctx);
      const rows = [...sums.values()].reduce((acc, t) => acc + TENANT_TABLES.reduce((a, tb) => a + t[tb].rows, 0), 0);
      Object.assign(entry, {
        status: 'ok',
        reason: opts.reuse ? 'seeded by an earlier run; not re-seeded' : null,
        rows,
        checksum: datasetChecksum(sums),
        seed: r
          ? {
              method: r.method,
              copiedFrom: r.copiedFrom ?? null,
              seconds: { ...r.timings, checksum: checksumSeconds },
              rowsPerSecond: rows / r.timings.total,
              loadRowsPerSecond: r.timings.load > 0 ? rows / r.timings.load : null,
            }
          : null,
        sizes,
      });
      progress.done(
        name,
        r ? `done in ${r.timings.total.toFixed(1)} s (${r.method}), checksum ${entry.checksum}` : `checked, checksum ${entry.checksum}`,
      );
    } catch (err) {
      Object.assign(entry, { status: 'failed', reason: errorMessage(err) });
      for (const rest of s.layouts.slice(s.layouts.indexOf(name) + 1)) summary.layouts[rest]!.reason = `not run: ${name} failed`;
      throw err;
    } finally {
      s.flush();
    }
  }
  const ds = summary.dataset;
  if (!ds.identicalAcrossLayouts) {
    const first = ds.mismatches
      .slice(0, 5)
      .map((m) => `${m.layout}/${m.tenant}/${m.table}: rows ${m.rows} (expected ${m.expectedRows}), hash ${m.hash} vs ${m.referenceHash}`);
    throw new ChecksumMismatchError(`datasets differ across layouts (${ds.mismatches.length} mismatches):\n  ${first.join('\n  ')}`);
  }
  // The scenario's own queries must run in every layout before anything is measured (exit 2 if not).
  await checkCustomQueries(ctx, s.layouts);
}

/**
 * Test hook: TENANTBENCH_FAULT=before:<layout> makes the run fail at that point, so the tests can
 * prove that a failure mid-run keeps the results so far and leaves no server behind.
 */
export function injectFault(point: string): void {
  if (process.env.TENANTBENCH_FAULT === point) throw new Error(`injected fault (TENANTBENCH_FAULT=${point})`);
}

function writeSeedCsv(s: RunSession): void {
  const rows = Object.entries(s.summary.layouts).map(([name, l]) => [
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
    s.bundle,
    'seed.csv',
    [
      'layout',
      'status',
      'method',
      'rows',
      'provision_s',
      'load_s',
      'index_s',
      'analyze_s',
      'total_s',
      'checksum_s',
      'rows_per_s',
      'table_bytes',
      'index_bytes',
      'toast_bytes',
      'database_bytes',
      'relations',
      'checksum',
    ],
    rows,
  );
}

function writeChecksumCsv(s: RunSession): void {
  const rows: unknown[][] = [];
  for (const [layout, sums] of s.checksums) {
    for (const [slug, t] of [...sums.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      for (const table of TENANT_TABLES) rows.push([slug, layout, table, t[table].rows, t[table].hash]);
    }
  }
  writeCsv(s.bundle, 'checksums.csv', ['tenant', 'layout', 'table', 'rows', 'hash_sum'], rows);
}

/** What seed prints at the end: the report's seeding, sizes and dataset sections. */
export function seedTable(s: Summary): string[] {
  return [seedSection(s), sizesSection(s), datasetSection(s)].flatMap((x, i) => [...(i ? [''] : []), ...sectionLines(x)]);
}
