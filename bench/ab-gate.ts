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
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { abSlots } from '../src/ab/ab-plan.js';
import type { AbResult } from '../src/ab/ab-stage.js';
import { abVerdict, gateEntries, gateProblem } from '../src/ab/ab-verdict.js';
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
  --gate LIST          what decides each verdict (ab --gate): metrics p50,p99,throughput of every
                       query, or query/metric (all/p50: the whole mix); default the three metrics
  --results-dir DIR    where the bundles go (default a new temporary directory)
  --rejudge DIR        run nothing: judge the bundles of an earlier gate run in DIR again (with
                       --gate, --judge-pairs); a run is A/A when its two sides are the same
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
  gate: {
    type: 'string',
    default: 'p50,p99,throughput',
    allowed: { ok: (v) => gateProblem(gateEntries(v)) === null, says: 'ab --gate: metrics (p50,p99,throughput) or query/metric' },
  },
  rejudge: { type: 'string', allowed: anyText },
});
const gate = gateEntries(values.gate);
const judgePairs = (values['judge-pairs'] ?? '')
  .split(',')
  .filter(Boolean)
  .map(Number)
  .filter((k) => values.rejudge !== undefined || k < Number(values.pairs));
const resultsDir = values.rejudge !== undefined ? '' : (values['results-dir'] ?? mkdtempSync(join(tmpdir(), 'tb-ab-gate-')));
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
    '--gate',
    gate.join(','),
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

/** The bundle directory an ab run printed. */
const bundleOf = (stdout: string) => /^- bundle: (.+)$/m.exec(stdout)?.[1] ?? null;

type AbJson = AbResult & { verdict: AbVerdict };
const readAb = (dir: string) => JSON.parse(readFileSync(join(dir, 'ab.json'), 'utf8')) as AbJson;

/**
 * The overall verdict (re-judged with --gate from the run's windows: the same as the run's own when
 * the run had this gate), the metrics that decided it, and the verdicts of its first K pairs.
 */
function verdictOf(ab: AbJson): { overall: AbVerdict['overall']; deciding: string; judged: Record<number, number> } {
  const slots = abSlots(ab.sides.A.layouts as LayoutName[], ab.sides.B.layouts as LayoutName[]) ?? [];
  const options = { threshold: ab.verdict.threshold, confidence: ab.verdict.confidence, gate };
  const verdict = abVerdict(slots, ab.windows, options);
  const key = verdict.overall === 'regression' ? 'regression' : 'inconclusive';
  const deciding = verdict.metrics
    .filter((m) => m.gating && m.verdict === key)
    .map((m) => `${m.query} ${m.metric} ${m.ratio === null ? '' : `${((m.ratio - 1) * 100).toFixed(0)}%`}`)
    .slice(0, 4)
    .join(', ');
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
  return { overall: verdict.overall, deciding, judged };
}

const say = (kind: GateRun['kind'], label: string, r: GateRun) =>
  process.stdout.write(
    `${kind.padEnd(8)} ${label}: exit ${r.code} ${r.overall}${Number.isNaN(r.seconds) ? '' : ` in ${r.seconds.toFixed(0)} s`}${r.deciding ? ` (${r.deciding})` : ''}` +
      judgePairs.map((k) => `; first ${k} pairs: exit ${r.judged[k] ?? 'n/a'}`).join('') +
      '\n',
  );

const runs: GateRun[] = [];
let n = Number(values.runs);
if (values.rejudge !== undefined) {
  // Bundles in the order they ran (their names start with the time).
  const dirs = readdirSync(values.rejudge)
    .filter((d) => existsSync(join(values.rejudge!, d, 'ab.json')))
    .sort();
  if (!dirs.length) {
    process.stderr.write(`ab-gate: --rejudge ${values.rejudge}: no bundle with an ab.json in it\n`);
    process.exit(2);
  }
  for (const d of dirs) {
    const ab = readAb(join(values.rejudge, d));
    const kind = JSON.stringify(ab.sides.A) === JSON.stringify(ab.sides.B) ? 'A/A' : 'injected';
    const v = verdictOf(ab);
    const run: GateRun = { kind, code: EXIT[v.overall], seconds: Number.NaN, ...v };
    runs.push(run);
    say(kind, d, run);
  }
  n = Math.max(runs.filter((r) => r.kind === 'A/A').length, runs.filter((r) => r.kind === 'injected').length);
} else {
  // Alternate the kinds, so the machine's load over the hour falls on both alike.
  for (let i = 0; i < n; i++) {
    for (const kind of ['A/A', 'injected'] as const) {
      const r = await runAb(kind === 'A/A' ? [] : values.inject.split(/\s+/).filter(Boolean));
      const dir = bundleOf(r.stdout);
      const v = dir ? verdictOf(readAb(dir)) : { overall: 'no bundle', deciding: r.stdout.slice(-300), judged: {} };
      const run: GateRun = { kind, code: r.code, seconds: r.seconds, ...v };
      runs.push(run);
      say(kind, `run ${i + 1}/${n}`, run);
    }
  }
}
const of = (kind: GateRun['kind']) => runs.filter((r) => r.kind === kind);
const count = (kind: GateRun['kind'], code: number) => of(kind).filter((r) => r.code === code).length;
const judgedCount = (kind: GateRun['kind'], k: number, code: number) => of(kind).filter((r) => r.judged[k] === code).length;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
process.stdout.write(
  [
    '',
    values.rejudge !== undefined
      ? `re-judged: the bundles in ${values.rejudge}, gate ${gate.join(',')} (the run's window count, threshold and confidence)`
      : `ab gate on smoke (${values.layouts}, ${values.tenants} tenants, gate ${gate.join(',')}), ${values.pairs} pairs of ${values.warmup} s + ${values.duration} s windows (${2 * Number(values.pairs)} windows per layout), threshold ${values['max-regression']}%, injected: ${values.inject}`,
    `A/A:      false positives (exit 1) ${count('A/A', 1)}/${n}; no regression (0) ${count('A/A', 0)}, inconclusive (4) ${count('A/A', 4)}, cannot compare (3) ${count('A/A', 3)}`,
    `injected: detected (exit 1) ${count('injected', 1)}/${n}; inconclusive (4) ${count('injected', 4)}, missed (0) ${count('injected', 0)}, cannot compare (3) ${count('injected', 3)}`,
    ...judgePairs.map(
      (k) =>
        `first ${k} pairs only (re-judged, job time not measured): A/A false positives ${judgedCount('A/A', k, 1)}/${n}, inconclusive ${judgedCount('A/A', k, 4)}; ` +
        `injected detected ${judgedCount('injected', k, 1)}/${n}, inconclusive ${judgedCount('injected', k, 4)}, missed ${judgedCount('injected', k, 0)}, cannot compare ${judgedCount('injected', k, 3)}`,
    ),
    values.rejudge !== undefined
      ? 'job time: not measured (re-judged from the bundles)'
      : `job time per ab run: median ${median(runs.map((r) => r.seconds)).toFixed(0)} s, max ${Math.max(...runs.map((r) => r.seconds)).toFixed(0)} s (seed included)`,
    `bundles: ${values.rejudge ?? resultsDir}`,
    '',
  ].join('\n'),
);
