/**
 * `all --scenario smoke` keeps the results' shape: its summary.json holds every key path of the
 * recorded smoke run (tests/fixtures/smoke-run; new keys are allowed and listed), and its report
 * has the same section headings as the report built from that recorded bundle. The same run checks
 * the CLI's promises about a whole `all` (formerly a run of its own in cli.test.ts): every layout
 * seeded with identical checksums, the bundle's files, the main table printed, the server stopped.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { LAYOUT_NAMES } from '../src/config/scenario-schema.js';
import { packageRoot } from '../src/paths.js';
import type { Summary } from '../src/results/summary-schema.js';
import { summarySchema } from '../src/results/summary-schema.js';
import { dataDirOf, existsSync, readJson, runCli, shortSmokeScenario, tempDir, waitNoProcesses } from './helpers.js';
import type { CliRun } from './helpers.js';

const FIXTURE = join(packageRoot(), 'tests', 'fixtures', 'smoke-run');

/**
 * The key paths of a summary, with the keys that name an entry rather than a field normalised:
 * layouts, queries of the scenario's mix, tenants, SQLSTATEs (which errors occurred is data, not
 * structure). Array elements share one path (`[]`). A `{status: 'not measured', reason}` object
 * is a value (the figure is absent, with its reason), so it is a leaf: the same run measuring it
 * instead is a difference of data.
 */
function keyPaths(summary: unknown, queries: ReadonlySet<string>): Set<string> {
  const layouts = new Set<string>(LAYOUT_NAMES);
  const name = (k: string): string => {
    if (layouts.has(k)) return '<layout>';
    if (queries.has(k)) return '<query>';
    if (/^t\d{4,}$/.test(k)) return '<tenant>';
    if (/^[0-9A-Z]{5}$/.test(k)) return '<sqlstate>';
    if (/^\d+$/.test(k)) return '<n>';
    return k;
  };
  const out = new Set<string>();
  const walk = (v: unknown, path: string): void => {
    if (Array.isArray(v)) {
      out.add(`${path}[]`);
      for (const x of v) walk(x, `${path}[]`);
    } else if (v !== null && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (o.status === 'not measured' && Object.keys(o).every((k) => k === 'status' || k === 'reason')) {
        out.add(path);
        return;
      }
      out.add(`${path}{}`);
      for (const [k, x] of Object.entries(o)) walk(x, `${path}.${name(k)}`);
    } else out.add(path);
  };
  walk(summary, '');
  return out;
}

/** The fixture's paths the run lacks. A path is present if the run has it or something below it; SQLSTATE entries are data. */
function missingPaths(recorded: Set<string>, run: Set<string>): string[] {
  const below = (p: string) => [...run].some((q) => q.startsWith(`${p}.`) || q.startsWith(`${p}[`) || q.startsWith(`${p}{`));
  return [...recorded].filter((p) => !p.includes('<sqlstate>') && !run.has(p) && !below(p)).sort();
}

function mixQueries(bundle: string): Set<string> {
  const scenario = readJson<{ workload: { mix: Record<string, number> } }>(join(bundle, 'scenario.json'));
  return new Set(Object.keys(scenario.workload.mix));
}

/** The report's headings, the run id in the title left out. */
function headings(reportMd: string): string[] {
  return readFileSync(reportMd, 'utf8')
    .split('\n')
    .filter((l) => /^#{1,6} /.test(l))
    .map((l) => l.replace(/ \(\d{8}-\d{6}Z-[^)]*\)$/, ' (<run-id>)'));
}

describe('keyPaths', () => {
  it('normalises entry names and arrays, and treats "not measured" as a value', () => {
    const p = keyPaths(
      {
        layouts: { shared: { a: [{ x: 1 }, { y: 2 }] }, rls: { a: [] } },
        q: { 'recent-orders': { errors: { '40P01': 1 } } },
        m: { status: 'not measured', reason: 'why' },
      },
      new Set(['recent-orders']),
    );
    assert.deepEqual([...p].sort(), [
      '.layouts.<layout>.a[]',
      '.layouts.<layout>.a[].x',
      '.layouts.<layout>.a[].y',
      '.layouts.<layout>.a[]{}',
      '.layouts.<layout>{}',
      '.layouts{}',
      '.m',
      '.q.<query>.errors.<sqlstate>',
      '.q.<query>.errors{}',
      '.q.<query>{}',
      '.q{}',
      '{}',
    ]);
    assert.deepEqual(missingPaths(new Set(['.m', '.gone', '.e.<sqlstate>']), new Set(['.m.status'])), ['.gone']);
  });
});

/**
 * One `all --scenario smoke` run shared by the two suites below (the structure of its results, and
 * the CLI's promises about a whole run): the whole smoke pipeline (seed, workload, probes,
 * operations incl. migration under load), its windows sub-second: neither the structure nor those
 * promises depend on their length. Started by the first test that needs it.
 */
let shared: Promise<{ r: CliRun; results: string; reports: string }> | null = null;
function smokeRun(): Promise<{ r: CliRun; results: string; reports: string }> {
  shared ??= (async () => {
    const results = tempDir('tb-smoke-structure-res-');
    const reports = tempDir('tb-smoke-structure-rep-');
    const r = await runCli(
      ['all', '--scenario', shortSmokeScenario(), '--profile', 'test', '--results-dir', results, '--reports-dir', reports],
      {
        timeoutMs: 900_000,
      },
    );
    return { r, results, reports };
  })();
  return shared;
}

describe('all --scenario smoke keeps the recorded results structure', () => {
  it('summary.json holds every key path of tests/fixtures/smoke-run, and the report the same sections', async (t) => {
    const { r, results, reports } = await smokeRun();
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const runs = readdirSync(results);
    assert.equal(runs.length, 1, runs.join(', '));
    const bundle = join(results, runs[0]!);

    const recorded = keyPaths(readJson(join(FIXTURE, 'summary.json')), mixQueries(FIXTURE));
    const run = keyPaths(readJson(join(bundle, 'summary.json')), mixQueries(bundle));
    const added = [...run].filter((p) => !recorded.has(p) && !p.includes('<sqlstate>')).sort();
    if (added.length) t.diagnostic(`${added.length} key paths the recorded run does not have (allowed):`);
    for (const p of added) t.diagnostic(`  ${p}`);
    assert.deepEqual(missingPaths(recorded, run), [], 'every key path of the recorded summary.json is still written');

    const fixtureReport = tempDir('tb-smoke-structure-fixture-rep-');
    const rep = await runCli(['report', FIXTURE, '--out', fixtureReport]);
    assert.equal(rep.code, 0, rep.stdout + rep.stderr);
    const runReports = readdirSync(reports);
    assert.equal(runReports.length, 1, runReports.join(', '));
    // Every section of the recorded report, in the same order; sections added since (e.g. "Where the
    // time goes") are allowed and listed, like added key paths.
    const now = headings(join(reports, runReports[0]!, 'report.md'));
    const then = headings(join(fixtureReport, 'report.md'));
    assert.deepEqual(
      now.filter((h) => then.includes(h)),
      then,
      'the recorded report sections, in order',
    );
    for (const h of now.filter((x) => !then.includes(x))) t.diagnostic(`added section: ${h}`);
  });
});

describe('all on the embedded target', () => {
  it('seeds every layout, proves identical checksums, writes the bundle and stops the server', async () => {
    const { r, results } = await smokeRun();
    assert.equal(r.code, 0, r.stderr);
    const dataDir = dataDirOf(r.stdout);
    assert.ok(dataDir, 'the run says where its cluster lives');
    assert.deepEqual(await waitNoProcesses(dataDir), [], 'no postgres process left');
    assert.equal(existsSync(dataDir), false, 'throwaway cluster removed');

    const runs = readdirSync(results);
    assert.equal(runs.length, 1, `one bundle in ${results}: ${runs.join(', ')}`);
    const bundle = join(results, runs[0]!);
    for (const f of ['scenario.json', 'environment.json', 'summary.json', 'summary.schema.json', 'seed.csv', 'checksums.csv']) {
      assert.ok(existsSync(join(bundle, f)), f);
    }
    const summary = summarySchema.parse(readJson(join(bundle, 'summary.json'))) as Summary;
    assert.equal(summary.status, 'ok');
    assert.equal(summary.dataset.identicalAcrossLayouts, true);
    assert.deepEqual(Object.keys(summary.layouts), ['shared', 'rls', 'schema', 'database', 'hybrid']);
    const rows = readJson<{ rows: number }>(join(bundle, 'scenario.json')).rows;
    assert.equal(rows, 30_000, "the smoke scenario's rows");
    for (const [name, l] of Object.entries(summary.layouts)) {
      assert.equal(l.status, 'ok', name);
      assert.equal(l.rows, rows, name);
      assert.equal(l.checksum, summary.dataset.checksum, name);
      assert.ok(l.seed!.seconds.total > 0 && l.sizes!.tableBytes > 0 && l.sizes!.indexBytes > 0, name);
    }
    assert.equal(summary.layouts.rls!.seed!.method, 'template-copy');
    const env = readJson<{ server: { version: string }; harness: { version: string }; machine: { cpus: number } }>(
      join(bundle, 'environment.json'),
    );
    assert.match(env.server.version, /PostgreSQL \d+/);
    assert.ok(env.machine.cpus >= 1);
    assert.match(
      r.stdout,
      /\| shared \| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \|/,
      'main table printed with P50, P99, index, backups, migration, seed',
    );
    const reportPath = /report: (\S+report\.md)/.exec(r.stdout)?.[1];
    assert.ok(reportPath && existsSync(reportPath), 'report written');
  });
});
