/**
 * `all --scenario smoke` keeps the results' shape: its summary.json holds every key path of the
 * recorded smoke run (tests/fixtures/smoke-run; new keys are allowed and listed), and its report
 * has the same section headings as the report built from that recorded bundle.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { LAYOUT_NAMES } from '../src/config/scenario-schema.js';
import { packageRoot } from '../src/paths.js';
import { readJson, runCli, shortSmokeScenario, tempDir } from './helpers.js';

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

describe('all --scenario smoke keeps the recorded results structure', () => {
  it('summary.json holds every key path of tests/fixtures/smoke-run, and the report the same sections', async (t) => {
    const results = tempDir('tb-smoke-structure-res-');
    const reports = tempDir('tb-smoke-structure-rep-');
    // The whole smoke pipeline (seed, workload, probes, operations), its windows sub-second: the
    // structure does not depend on their length.
    const r = await runCli(
      ['all', '--scenario', shortSmokeScenario(), '--profile', 'test', '--results-dir', results, '--reports-dir', reports, '-q'],
      {
        timeoutMs: 900_000,
      },
    );
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
