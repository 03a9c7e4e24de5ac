/**
 * The A/B gate's own check (issue 17): `ab` with A = B (A/A) N times and with an injected regression
 * N times on the smoke scenario, then the false-positive rate (A/A runs that exit 1), the detection
 * rate (injected runs that exit 1), how many runs were inconclusive or could not compare, the
 * window count, and each run's wall-clock time (the CI job's time is about one A/A run, seed included).
 * `--judge-pairs 4,6` also re-judges each run on its first 4 (6) measured pairs only, with the same
 * verdict (abVerdict, same threshold and confidence): the verdict a run of that many pairs would have
 * reached on those windows, to find the smallest pair count that detects the injection.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { abSlots } from '../src/ab/ab-plan.js';
import type { AbResult } from '../src/ab/ab-stage.js';
import { abVerdict } from '../src/ab/ab-verdict.js';
import type { AbVerdict } from '../src/ab/ab-verdict.js';
import type { LayoutName } from '../src/config/scenario-schema.js';
import { packageRoot } from '../src/paths.js';
import { LAYOUT_NAMES } from '../src/layouts/layout-names.js';
import { type Allowed, benchArgs, listOf, nonNegativeNumber, oneOf, positiveInt, positiveNumber } from './args.js';

const USAGE = `node dist/bench/ab-gate.js [options]

  --runs N             A/A runs and injected runs each (default 10), alternated
  --pairs N            measured window pairs per ab run (default 8)
  --judge-pairs LIST   also judge each run on its first K pairs, for each K (e.g. 4,6)
  --layouts LIST       layouts (default rls: the injection is an rls policy form)
  --tenants N          tenants (default 24: smoke's 30,000 rows over 24 tenants, where the dropped
                       index costs 20-100%; over smoke's own 6 it costs about 10%)
  --duration S         measured seconds per window (default 1)
  --warmup S           warm-up seconds per window (default 0.3)
  --inject "ARGS"      ab arguments for side B (default "--b-layout-option rls.policy=no-index": the
                       orders (tenant_id, created_at) index rebuilt without tenant_id; e.g.
                       "--b-pg-setting log_min_duration_statement=0")
  --max-regression P   threshold percent (default 10)
  --results-dir DIR    where the bundles go (default a new temporary directory)
  --help               this text
`;

const anyText: Allowed = { ok: () => true, says: 'any text' };
const values = benchArgs(USAGE, {
  runs: { type: 'string', default: '10', allowed: positiveInt },
  pairs: { type: 'string', default: '8', allowed: positiveInt },
  'judge-pairs': { type: 'string', allowed: listOf(positiveInt) },
  layouts: { type: 'string', default: 'rls', allowed: listOf(oneOf(LAYOUT_NAMES)) },
  tenants: { type: 'string', default: '24', allowed: positiveInt },
  duration: { type: 'string', default: '1', allowed: positiveNumber },
  warmup: { type: 'string', default: '0.3', allowed: nonNegativeNumber },
  inject: { type: 'string', default: '--b-layout-option rls.policy=no-index', allowed: anyText },
  'max-regression': { type: 'string', default: '10', allowed: positiveNumber },
  'results-dir': { type: 'string', allowed: anyText },
});
const judgePairs = (values['judge-pairs'] ?? '')
  .split(',')
  .filter(Boolean)
  .map(Number)
  .filter((k) => k < Number(values.pairs));
const resultsDir = values['results-dir'] ?? mkdtempSync(join(tmpdir(), 'tb-ab-gate-'));
const cli = join(packageRoot(), 'dist', 'src', 'cli.js');

interface GateRun {
  kind: 'A/A' | 'injected';
  code: number;
  seconds: number;
  overall: string;
  deciding: string;
  /** The exit code a run of K pairs would have had on this run's first K pairs. */
  judged: Record<number, number>;
}

const EXIT: Record<AbVerdict['overall'], number> = { 'no regression': 0, regression: 1, 'cannot compare': 3, inconclusive: 4 };

function runAb(extra: string[]): Promise<{ code: number; stdout: string; seconds: number }> {
  const args = [
    cli,
    'ab',
    '--scenario',
    'smoke',
    '--layouts',
    values.layouts,
    '--tenants',
    values.tenants,
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

/** The overall verdict and the metrics that decided it, from the run's ab.json, and the verdicts of its first K pairs. */
function verdictOf(stdout: string): { overall: string; deciding: string; judged: Record<number, number> } {
  const dir = /^- bundle: (.+)$/m.exec(stdout)?.[1];
  if (!dir) return { overall: 'no bundle', deciding: stdout.slice(-300), judged: {} };
  const ab = JSON.parse(readFileSync(join(dir, 'ab.json'), 'utf8')) as AbResult & { verdict: AbVerdict };
  const key = ab.verdict.overall === 'regression' ? 'regression' : 'inconclusive';
  const deciding = ab.verdict.metrics
    .filter((m) => m.verdict === key)
    .map((m) => `${m.query} ${m.metric} ${m.ratio === null ? '' : `${((m.ratio - 1) * 100).toFixed(0)}%`}`)
    .slice(0, 4)
    .join(', ');
  const slots = abSlots(ab.sides.A.layouts as LayoutName[], ab.sides.B.layouts as LayoutName[]) ?? [];
  const options = { threshold: ab.verdict.threshold, confidence: ab.verdict.confidence };
  const judged = Object.fromEntries(
    judgePairs.map((k) => [
      k,
      EXIT[
        abVerdict(
          slots,
          ab.windows.filter((w) => w.pair < k),
          options,
        ).overall
      ],
    ]),
  );
  return { overall: ab.verdict.overall, deciding, judged };
}

const runs: GateRun[] = [];
const n = Number(values.runs);
// Alternate the kinds, so the machine's load over the hour falls on both alike.
for (let i = 0; i < n; i++) {
  for (const kind of ['A/A', 'injected'] as const) {
    const r = await runAb(kind === 'A/A' ? [] : values.inject.split(/\s+/).filter(Boolean));
    const v = verdictOf(r.stdout);
    runs.push({ kind, code: r.code, seconds: r.seconds, ...v });
    process.stdout.write(
      `${kind.padEnd(8)} run ${i + 1}/${n}: exit ${r.code} ${v.overall} in ${r.seconds.toFixed(0)} s${v.deciding ? ` (${v.deciding})` : ''}` +
        judgePairs.map((k) => `; first ${k} pairs: exit ${v.judged[k] ?? 'n/a'}`).join('') +
        '\n',
    );
  }
}
const of = (kind: GateRun['kind']) => runs.filter((r) => r.kind === kind);
const count = (kind: GateRun['kind'], code: number) => of(kind).filter((r) => r.code === code).length;
const judgedCount = (kind: GateRun['kind'], k: number, code: number) => of(kind).filter((r) => r.judged[k] === code).length;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
process.stdout.write(
  [
    '',
    `ab gate on smoke (${values.layouts}, ${values.tenants} tenants), ${values.pairs} pairs of ${values.warmup} s + ${values.duration} s windows (${2 * Number(values.pairs)} windows per layout), threshold ${values['max-regression']}%, injected: ${values.inject}`,
    `A/A:      false positives (exit 1) ${count('A/A', 1)}/${n}; no regression (0) ${count('A/A', 0)}, inconclusive (4) ${count('A/A', 4)}, cannot compare (3) ${count('A/A', 3)}`,
    `injected: detected (exit 1) ${count('injected', 1)}/${n}; inconclusive (4) ${count('injected', 4)}, missed (0) ${count('injected', 0)}, cannot compare (3) ${count('injected', 3)}`,
    ...judgePairs.map(
      (k) =>
        `first ${k} pairs only (re-judged, job time not measured): A/A false positives ${judgedCount('A/A', k, 1)}/${n}, inconclusive ${judgedCount('A/A', k, 4)}; ` +
        `injected detected ${judgedCount('injected', k, 1)}/${n}, inconclusive ${judgedCount('injected', k, 4)}, missed ${judgedCount('injected', k, 0)}, cannot compare ${judgedCount('injected', k, 3)}`,
    ),
    `job time per ab run: median ${median(runs.map((r) => r.seconds)).toFixed(0)} s, max ${Math.max(...runs.map((r) => r.seconds)).toFixed(0)} s (seed included)`,
    `bundles: ${resultsDir}`,
    '',
  ].join('\n'),
);
