/**
 * Seeding benchmark: seeds each layout at a given scale and, on the same server in the same run,
 * loads the same rows with plain `psql \copy` from CSV files into the same table definitions and
 * builds the same keys and indexes (the reference). Prints seconds, rows/s and the ratio to the
 * reference, and the harness's peak RSS while seeding.
 *
 * Usage: USAGE below (`--help` prints it).
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { resolveScenario } from '../src/config/load-scenario.js';
import type { LayoutName } from '../src/config/scenario-schema.js';
import { LAYOUT_NAMES } from '../src/config/scenario-schema.js';
import { makeLayoutContext } from '../src/pipeline/run-session.js';
import { withAdmin } from '../src/db/client.js';
import { layout as layoutOf } from '../src/layouts/registry.js';
import { runCleanups } from '../src/lifecycle.js';
import { stopwatch } from '../src/measure/timer.js';
import { EmbeddedTarget } from '../src/target/embedded-target.js';
import { findClientTool } from '../src/target/pg-binaries.js';
import { compareLayouts } from '../src/seed-check.js';
import { copyColumns, postLoadDdl, tableDdl, tenantsTableDdl, typesDdl } from '../seed/dataset.js';
import { tableCopyStream, tenantsCopyText } from '../seed/generator.js';
import { TENANT_TABLES } from '../seed/tenant-plan.js';
import type { TableChecksums } from '../src/layouts/layout.js';
import { HarnessMemorySampler } from '../src/tenant-sweep/harness-memory.js';
import { benchArgs, listOf, oneOf, positiveInt, settingsProfile } from './args.js';

const USAGE = 'npm run bench:seed -- [--rows 10000000] [--tenants 100] [--layouts shared,rls,...] [--profile benchmark] [--concurrency 2]';

const values = benchArgs(USAGE, {
  rows: { type: 'string', default: '10000000', allowed: positiveInt },
  tenants: { type: 'string', default: '100', allowed: positiveInt },
  layouts: { type: 'string', default: LAYOUT_NAMES.join(','), allowed: listOf(oneOf(LAYOUT_NAMES)) },
  profile: { type: 'string', default: 'benchmark', allowed: settingsProfile },
  concurrency: { type: 'string', default: '2', allowed: positiveInt },
});
const layouts = values.layouts!.split(',') as LayoutName[];
const scenario = resolveScenario(
  {
    name: 'bench-seed',
    tenants: { count: Number(values.tenants) },
    rows: Number(values.rows),
    layouts,
    seeding: { concurrency: Number(values.concurrency) },
  },
  'bench/seed-vs-copy',
);

/** COPY text format -> CSV: quote fields with commas, quotes or spaces at the edges; \N -> empty. */
function textToCsv(): Transform {
  let rest = '';
  const field = (f: string) => (f === '\\N' ? '' : /[",\n\r]|^\s|\s$/.test(f) || f === '' ? `"${f.replace(/"/g, '""')}"` : f);
  const convert = (line: string) => `${line.split('\t').map(field).join(',')}\n`;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      const text = rest + chunk.toString();
      const lines = text.split('\n');
      rest = lines.pop()!;
      cb(null, lines.map(convert).join(''));
    },
    flush(cb) {
      cb(null, rest ? convert(rest) : '');
    },
  });
}

function psql(bin: string, target: EmbeddedTarget, db: string, command: string): void {
  const r = spawnSync(
    bin,
    [
      '-X',
      '-q',
      '-v',
      'ON_ERROR_STOP=1',
      '-h',
      target.admin.host,
      '-p',
      String(target.admin.port),
      '-U',
      target.admin.user,
      '-d',
      db,
      '-c',
      command,
    ],
    {
      env: { ...process.env, PGPASSWORD: target.admin.password },
      encoding: 'utf8',
    },
  );
  if (r.status !== 0) throw new Error(`psql failed: ${r.stderr}`);
}

async function main(): Promise<void> {
  const target = await EmbeddedTarget.start({ profile: values.profile as 'benchmark' | 'test' });
  const psqlBin = findClientTool('psql', target.binaries.major, target.binaries.binDir);
  if ('reason' in psqlBin) throw new Error(psqlBin.reason);
  const ctx = makeLayoutContext({ target, scenario, prefix: 'bench', serverVersionNum: target.binaries.major * 10000 });
  const dir = mkdtempSync(join(tmpdir(), 'tenantbench-csv-'));
  const mb = (b: number) => (b / 1048576).toFixed(0);
  process.stderr.write(`${target.description}\n${scenario.tenants} tenants, ${scenario.rows.toLocaleString('en-US')} rows\n`);
  try {
    // 1. CSV files of exactly the rows the shared layout gets (not timed).
    let csvBytes = 0;
    const csvSw = stopwatch();
    for (const t of TENANT_TABLES) {
      const f = join(dir, `${t}.csv`);
      await pipeline(tableCopyStream(t, ctx.plan.tenants, ctx.pools, { tenantColumn: true }), textToCsv(), createWriteStream(f));
      csvBytes += statSync(f).size;
    }
    const tenantsCsv = join(dir, 'tenants.csv');
    await pipeline(
      (async function* () {
        yield tenantsCopyText(ctx.plan, ctx.pools);
      })(),
      textToCsv(),
      createWriteStream(tenantsCsv),
    );
    process.stderr.write(`wrote ${mb(csvBytes)} MB of CSV in ${csvSw.seconds().toFixed(1)} s (not timed)\n`);

    // 2. Reference: psql \copy into the same tables, same keys and indexes, ANALYZE.
    const refDb = 'bench_reference';
    await withAdmin(target, 'postgres', async (c) => {
      await c.query(`DROP DATABASE IF EXISTS ${refDb}`);
      await c.query(`CREATE DATABASE ${refDb}`);
    });
    const opts = { tenantColumn: true };
    await withAdmin(target, refDb, async (c) => {
      for (const s of typesDdl(opts)) await c.query(s);
      await c.query(tenantsTableDdl(opts));
      for (const t of TENANT_TABLES) await c.query(tableDdl(t, opts));
    });
    const ref = stopwatch();
    psql(psqlBin.path, target, refDb, `\\copy tenants (id, slug, name, plan, created_at) FROM '${tenantsCsv}' WITH (FORMAT csv)`);
    for (const t of TENANT_TABLES)
      psql(
        psqlBin.path,
        target,
        refDb,
        `\\copy ${t} (${copyColumns(t, opts).join(', ')}) FROM '${join(dir, `${t}.csv`)}' WITH (FORMAT csv)`,
      );
    const refLoad = ref.seconds();
    const ddl = TENANT_TABLES.flatMap((t) => postLoadDdl(t, opts));
    for (const s of [...ddl.filter((x) => !/FOREIGN KEY/.test(x)), ...ddl.filter((x) => /FOREIGN KEY/.test(x))])
      psql(psqlBin.path, target, refDb, s);
    psql(psqlBin.path, target, refDb, 'ANALYZE');
    const refTotal = ref.seconds();
    await withAdmin(target, 'postgres', (c) => c.query(`DROP DATABASE ${refDb}`));
    await withAdmin(target, 'postgres', (c) => c.query('CHECKPOINT'));
    process.stderr.write(`reference psql \\copy: load ${refLoad.toFixed(1)} s, total ${refTotal.toFixed(1)} s\n`);

    // 3. The harness, layout by layout, on the same server.
    const rows: string[] = [];
    const sums = new Map<LayoutName, Map<string, TableChecksums>>();
    for (const name of LAYOUT_NAMES.filter((l) => layouts.includes(l))) {
      const memory = new HarnessMemorySampler(50);
      const impl = layoutOf(name);
      const r = await impl.seed(ctx);
      (ctx.seeded as Set<LayoutName>).add(name);
      sums.set(name, await impl.checksums(ctx));
      await withAdmin(target, 'postgres', (c) => c.query('CHECKPOINT'));
      const peakRss = memory.stop().peakRssBytes;
      const t = r.timings;
      rows.push(
        `| ${name} | ${r.method} | ${t.load.toFixed(1)} | ${t.index.toFixed(1)} | ${t.total.toFixed(1)} | ${Math.round(scenario.rows / t.total).toLocaleString('en-US')} | ${(t.total / refTotal).toFixed(2)} | ${mb(peakRss)} |`,
      );
      process.stderr.write(`${name}: ${t.total.toFixed(1)} s\n`);
    }
    const check = compareLayouts(ctx.plan, sums);
    const out = [
      `seed benchmark: ${scenario.tenants} tenants, ${scenario.rows.toLocaleString('en-US')} rows, PostgreSQL ${target.binaries.version}, ${values.profile} settings`,
      '',
      `reference (psql \\copy from CSV, same tables, keys, indexes, ANALYZE): load ${refLoad.toFixed(1)} s, total ${refTotal.toFixed(1)} s, ${Math.round(scenario.rows / refTotal).toLocaleString('en-US')} rows/s`,
      '',
      '| layout | method | load s | index s | total s | rows/s | ratio to psql \\copy | harness peak RSS MB |',
      '|---|---|---:|---:|---:|---:|---:|---:|',
      ...rows,
      '',
      `datasets identical across layouts: ${check.identicalAcrossLayouts} (checksum ${check.checksum})`,
    ];
    process.stdout.write(`${out.join('\n')}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await target.stop();
    await runCleanups();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
