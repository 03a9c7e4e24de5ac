/**
 * Reports from a recorded small bundle (tests/fixtures/smoke-run, a real smoke run): every table
 * and chart present, units right, numbers equal to the bundle's; the HTML page as a person sees it
 * in headless Chromium.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { loadResults } from '../src/report/load-results.js';
import { writeReport } from '../src/report/write-report.js';
import { packageRoot } from '../src/paths.js';
import type { Summary } from '../src/results/summary-schema.js';
import { readJson, runCli, tempDir } from './helpers.js';

const FIXTURE = join(packageRoot(), 'tests', 'fixtures', 'smoke-run');
const MB = 1048576;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

describe('report from a recorded bundle', () => {
  it('writes every table as CSV and Markdown, every chart as Vega-Lite, SVG and PNG, and one HTML page', async () => {
    const out = tempDir('tenantbench-rep-');
    const r = await writeReport(loadResults(FIXTURE), out);
    const tables = r.model.tables.map((t) => t.id);
    for (const t of [
      'main',
      'workload',
      'seed',
      'sizes',
      'dataset',
      'environment',
      'isolation',
      'migration',
      'backup',
      'connections',
      'extraction',
    ])
      assert.ok(tables.includes(t), `table ${t}`);
    for (const t of tables) assert.ok(existsSync(join(out, `${t}.csv`)), `${t}.csv`);
    const charts = r.model.charts.map((c) => c.id);
    for (const c of ['latency', 'seed-time', 'sizes', 'migration-time', 'backup-time']) assert.ok(charts.includes(c), `chart ${c}`);
    for (const c of charts) {
      for (const ext of ['vl.json', 'svg', 'png']) assert.ok(statSync(join(out, `${c}.${ext}`)).size > 200, `${c}.${ext}`);
      const svg = readFileSync(join(out, `${c}.svg`), 'utf8');
      assert.match(svg, /<path[^>]+d="M/, `${c}.svg has drawn marks`);
      assert.equal(
        readFileSync(join(out, `${c}.png`))
          .subarray(1, 4)
          .toString(),
        'PNG',
      );
      assert.equal(JSON.parse(readFileSync(join(out, `${c}.vl.json`), 'utf8')).$schema, 'https://vega.github.io/schema/vega-lite/v6.json');
    }
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    for (const t of r.model.tables) assert.ok(md.includes(`## ${t.title}`), t.title);
    assert.match(
      md,
      /\| layout \| P50 join \(ms\) \| P99 join \(ms\) \| index size \(MB\) \| full backup \(s\) \| single-tenant backup \(s\) \| migration \(s\) \| seed \(s\) \|/,
    );
    assert.match(md, /!\[Seeding time per layout\]\(seed-time\.png\)/);
    // The recorded bundle's pg_dump --enable-row-security reason already starts with "not measured".
    assert.match(md, /not measured: this layout has no row level security/);
    assert.doesNotMatch(md, /not measured: not measured/);
  });

  it("shows the bundle's numbers, in the units it names", async () => {
    const out = tempDir('tenantbench-rep-');
    await writeReport(loadResults(FIXTURE), out);
    const summary = readJson<Summary>(join(FIXTURE, 'summary.json'));
    const seed = parse(readFileSync(join(out, 'seed.csv')), { columns: true }) as Record<string, string>[];
    const sizes = parse(readFileSync(join(out, 'sizes.csv')), { columns: true }) as Record<string, string>[];
    const main = parse(readFileSync(join(out, 'main.csv')), { columns: true }) as Record<string, string>[];
    assert.deepEqual(Object.keys(seed[0]!), [
      'layout',
      'method',
      'rows',
      'provision_s',
      'load_s',
      'index_s',
      'analyze_s',
      'total_s',
      'rowsPerSecond_rows_per_s',
    ]);
    for (const [name, l] of Object.entries(summary.layouts)) {
      const srow = seed.find((x) => x.layout === name)!;
      assert.equal(Number(srow.total_s), l.seed!.seconds.total, `${name} seed seconds`);
      assert.equal(Number(srow.rows), l.rows);
      const zrow = sizes.find((x) => x.layout === name)!;
      assert.equal(Number(zrow.indexMb_MB), l.sizes!.indexBytes / MB, `${name} index MB`);
      const mrow = main.find((x) => x.layout === name)!;
      assert.equal(Number(mrow.indexMb_MB), l.sizes!.indexBytes / MB);
      const join = summary.workload!.layouts[name as keyof typeof summary.layouts]!.queries['recent-orders']!;
      assert.equal(Number(mrow.p99_ms), join.p99Ms, `${name} P99 of the join`);
      assert.equal(Number(mrow.p50_ms), join.p50Ms, `${name} P50 of the join`);
      assert.equal(Number(mrow.migration_s), l.migration!.seconds, `${name} migration seconds`);
    }
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    const shared = summary.layouts.shared!;
    assert.ok(md.includes(`| shared | generator-copy | ${shared.rows!.toLocaleString('en-US')} |`), 'markdown shows rows with separators');
    assert.ok(md.includes((shared.sizes!.indexBytes / MB).toFixed(1)), 'markdown shows index MB with one decimal');
  });

  it('the CLI refuses a folder that is not a bundle with exit 2, and a malformed summary with exit 2', async () => {
    const empty = tempDir('tenantbench-rep-');
    let r = await runCli(['report', empty]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no summary\.json/);
    writeFileSync(join(empty, 'summary.json'), '{"schemaVersion": 99}');
    r = await runCli(['report', empty]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /does not match the summary schema/);
  });
});

describe('the HTML report in a browser', () => {
  it('opens from disk with no console error and no external request, and draws its charts', async (t) => {
    if (!existsSync(CHROMIUM)) {
      t.skip(
        `no Chromium at ${CHROMIUM} (Debian package "chromium"; .ci/run installs it): the HTML report is not checked in a browser here`,
      );
      return;
    }
    const out = tempDir('tenantbench-rep-');
    const written = await writeReport(loadResults(FIXTURE), out);
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors: string[] = [];
      const external: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('request', (req) => {
        if (!req.url().startsWith('file://')) external.push(req.url());
      });
      await page.goto(`file://${join(out, 'report.html')}`);
      const charts = await page.$$eval('figure.chart svg', (svgs) =>
        svgs.map((s) => ({ marks: s.querySelectorAll('path').length, width: s.getBoundingClientRect().width })),
      );
      assert.equal(charts.length, written.model.charts.length);
      for (const c of charts) {
        assert.ok(c.marks > 0, 'chart has marks');
        assert.ok(c.width > 100, 'chart is laid out');
      }
      const headers = await page.$$eval('#main th', (ths) => ths.map((th) => th.textContent));
      assert.ok(headers.includes('P99 join (ms)'));
      const shot = join(out, 'report.png');
      await page.screenshot({ path: shot, fullPage: true });
      assert.ok(statSync(shot).size > 10_000, 'screenshot taken');
      assert.deepEqual(errors, []);
      assert.deepEqual(external, []);
    } finally {
      await browser.close();
    }
  });
});
