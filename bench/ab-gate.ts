/**
 * The A/B gate's own check (issue 17): `ab` with A = B (A/A) N times and with an injected regression
 * N times on the smoke scenario, then the false-positive rate (A/A runs that exit 1), the detection
 * rate (injected runs that exit 1), how many runs were inconclusive or could not compare, the
 * window count, and each run's wall-clock time (the CI job's time is about one A/A run, seed included).
 *
 *   npm run build && node dist/bench/ab-gate.js [--runs 10] [--pairs 8] [--layouts shared]
 *     [--duration 1] [--warmup 0.3] [--inject log_min_duration_statement=0] [--results-dir DIR]
 *
 * The injection is a per-session server setting for side B (ALTER DATABASE ... SET): the default,
 * log_min_duration_statement=0, makes the server write every statement to its log, a real
 * per-statement cost (about 20-25% of throughput on smoke on a 2-core machine).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { packageRoot } from '../src/paths.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '10' },
    pairs: { type: 'string', default: '8' },
    layouts: { type: 'string', default: 'shared' },
    duration: { type: 'string', default: '1' },
    warmup: { type: 'string', default: '0.3' },
    inject: { type: 'string', default: 'log_min_duration_statement=0' },
    'max-regression': { type: 'string', default: '10' },
    'results-dir': { type: 'string' },
  },
});
const resultsDir = values['results-dir'] ?? mkdtempSync(join(tmpdir(), 'tb-ab-gate-'));
const cli = join(packageRoot(), 'dist', 'src', 'cli.js');

interface GateRun {
  kind: 'A/A' | 'injected';
  code: number;
  seconds: number;
  overall: string;
  deciding: string;
}

function runAb(extra: string[]): Promise<{ code: number; stdout: string; seconds: number }> {
  const args = [
    cli,
    'ab',
    '--scenario',
    'smoke',
    '--layouts',
    values.layouts,
    '--pairs',
    values.pairs,
    '--duration',
    values.duration,
    '--warmup',
    values.warmup,
    '--max-regression',
    values['max-regression'],
    '--results-dir',
    resultsDir,
    '--quiet',
    ...extra,
  ];
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    p.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    p.on('error', reject);
    p.on('close', (code) => resolve({ code: code ?? -1, stdout, seconds: (performance.now() - t0) / 1000 }));
  });
}

/** The overall verdict and the metrics that decided it, from the run's ab.json. */
function verdictOf(stdout: string): { overall: string; deciding: string } {
  const dir = /^- bundle: (.+)$/m.exec(stdout)?.[1];
  if (!dir) return { overall: 'no bundle', deciding: stdout.slice(-300) };
  const ab = JSON.parse(readFileSync(join(dir, 'ab.json'), 'utf8')) as {
    verdict: { overall: string; metrics: { query: string; metric: string; verdict: string; ratio: number | null }[] };
  };
  const key = ab.verdict.overall === 'regression' ? 'regression' : 'inconclusive';
  const deciding = ab.verdict.metrics
    .filter((m) => m.verdict === key)
    .map((m) => `${m.query} ${m.metric} ${m.ratio === null ? '' : `${((m.ratio - 1) * 100).toFixed(0)}%`}`)
    .slice(0, 4)
    .join(', ');
  return { overall: ab.verdict.overall, deciding };
}

const runs: GateRun[] = [];
const n = Number(values.runs);
// Alternate the kinds, so the machine's load over the hour falls on both alike.
for (let i = 0; i < n; i++) {
  for (const kind of ['A/A', 'injected'] as const) {
    const r = await runAb(kind === 'A/A' ? [] : ['--b-pg-setting', values.inject]);
    const v = verdictOf(r.stdout);
    runs.push({ kind, code: r.code, seconds: r.seconds, ...v });
    process.stdout.write(
      `${kind.padEnd(8)} run ${i + 1}/${n}: exit ${r.code} ${v.overall} in ${r.seconds.toFixed(0)} s${v.deciding ? ` (${v.deciding})` : ''}\n`,
    );
  }
}
const of = (kind: GateRun['kind']) => runs.filter((r) => r.kind === kind);
const count = (kind: GateRun['kind'], code: number) => of(kind).filter((r) => r.code === code).length;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
process.stdout.write(
  [
    '',
    `ab gate on smoke (${values.layouts}), ${values.pairs} pairs of ${values.warmup} s + ${values.duration} s windows (${2 * Number(values.pairs)} windows per layout), threshold ${values['max-regression']}%, injected: ${values.inject}`,
    `A/A:      false positives (exit 1) ${count('A/A', 1)}/${n}; no regression (0) ${count('A/A', 0)}, inconclusive (4) ${count('A/A', 4)}, cannot compare (3) ${count('A/A', 3)}`,
    `injected: detected (exit 1) ${count('injected', 1)}/${n}; inconclusive (4) ${count('injected', 4)}, missed (0) ${count('injected', 0)}, cannot compare (3) ${count('injected', 3)}`,
    `job time per ab run: median ${median(runs.map((r) => r.seconds)).toFixed(0)} s, max ${Math.max(...runs.map((r) => r.seconds)).toFixed(0)} s (seed included)`,
    `bundles: ${resultsDir}`,
    '',
  ].join('\n'),
);
