import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { abMarkdown } from '../ab/ab-markdown.js';
import { abSlots, randomOrderSeed } from '../ab/ab-plan.js';
import type { AbSlot } from '../ab/ab-plan.js';
import { dataDefinition } from '../ab/ab-side.js';
import { withLayoutOptions } from '../ab/side-policy.js';
import type { AbSide } from '../ab/ab-side.js';
import { abStage } from '../ab/ab-stage.js';
import type { AbResult } from '../ab/ab-stage.js';
import { abVerdict, gateEntries, gateProblem } from '../ab/ab-verdict.js';
import type { AbVerdict } from '../ab/ab-verdict.js';
import { AB_METRICS } from '../ab/window-metrics.js';
import { bundleWindows } from '../ab/bundle-windows.js';
import { loadScenario } from '../config/load-scenario.js';
import type { ResolvedScenario } from '../config/load-scenario.js';
import { CannotCompareError, InconclusiveError, UsageError } from '../errors.js';
import { ensureOutputFile } from '../output-path.js';
import { runPipeline } from '../pipeline/run-pipeline.js';
import { stages } from '../pipeline/stages.js';
import { loadResults } from '../report/load-results.js';
import { defaultReportsDir } from '../report/write-report.js';
import { parseSettingOverrides } from '../target/server-settings.js';
import { RegressionFound } from './compare-command.js';
import { addOutputOptions, addScenarioOptions, addTargetOptions, positiveInt, resolveCommon } from './common-options.js';
import type { CommonOpts } from './common-options.js';

interface AbOpts extends CommonOpts {
  a?: string;
  b?: string;
  aSet: string[];
  bSet: string[];
  aLayout?: string;
  bLayout?: string;
  aPgSetting: string[];
  bPgSetting: string[];
  aLayoutOption: string[];
  bLayoutOption: string[];
  aPgBin?: string;
  bPgBin?: string;
  aRuns?: string[];
  bRuns?: string[];
  pairs: number;
  settlePairs: number;
  duration?: number;
  warmup?: number;
  maxRegression: number;
  confidence: number;
  gate: string[];
  orderSeed?: number;
  out?: string;
}

const orderSeedArg = (v: string) => {
  if (!/^\d+$/.test(v) || Number(v) > 0xffffffff)
    throw new InvalidArgumentError(`--order-seed must be an integer from 0 to 4294967295 (got "${v}")`);
  return Number(v);
};

const gateArg = (v: string): string[] => {
  const entries = gateEntries(v);
  const problem = gateProblem(entries);
  if (problem) throw new InvalidArgumentError(problem);
  return entries;
};

const collect = (v: string, prev: string[] = []) => [...prev, v];
const list = (v: string, prev: string[] = []) => [...prev, ...v.split(',').filter(Boolean)];

const percent = (name: string, lo: number, hi: number) => (v: string) => {
  const n = Number(v.replace(/%$/, ''));
  if (v.trim() === '' || !Number.isFinite(n) || n <= lo || n >= hi)
    throw new InvalidArgumentError(`${name} must be a percentage above ${lo} and below ${hi} (got "${v}")`);
  return n / 100;
};

const seconds = (name: string, min: number) => (v: string) => {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < min || (min === 0 && n < 0))
    throw new InvalidArgumentError(`${name} must be a number of seconds >= ${min} (got "${v}")`);
  return n;
};

/** `--b-set workload.users=16`: a workload field of one side, its value as JSON when it parses (numbers, booleans, objects), else a string. */
function workloadSets(items: readonly string[], flag: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const item of items) {
    const m = /^workload\.([A-Za-z]+)=(.*)$/.exec(item);
    if (!m)
      throw new UsageError(
        `${flag} "${item}": expected workload.<field>=<value> (only workload fields may differ between the sides: the data is seeded once)`,
        flag.slice(2),
      );
    let value: unknown = m[2];
    try {
      value = JSON.parse(m[2]!);
    } catch {
      // a bare string (mode=open)
    }
    out[m[1]!] = value;
  }
  return out;
}

function settingsOf(items: readonly string[], flag: string): Record<string, string> {
  try {
    return parseSettingOverrides(items);
  } catch (err) {
    throw new UsageError(`${flag}: ${(err as Error).message.replace('--pg-setting ', '')}`, flag.slice(2));
  }
}

export function registerAb(program: Command): void {
  const cmd = program
    .command('ab')
    .description(
      'A/B regression gate on one machine: two variants (two scenario files, or one scenario with per-side workload overrides, layouts, per-session server settings or rls policy forms), ' +
        'seeded once (the checksums prove the data identical) and measured in interleaved ABBA windows on one server (the starting side from a random order seed, printed; --order-seed reproduces it); per layout, query and metric (P50, P99, throughput) ' +
        'the change B/A with a paired t-interval over the window pairs. Writes one bundle (ab.json, ab-windows.csv) and a Markdown verdict. ' +
        'Exit 0 no regression, 1 a regression (the whole interval beyond --max-regression), 4 inconclusive (an interval reaches across it: the Markdown says how many pairs would settle it), ' +
        '3 cannot compare (a metric with fewer than 3 valid pairs; a regression other metrics show still exits 1), 2 bad input (a side setting that needs a restart: once the server is up).',
    );
  addOutputOptions(addTargetOptions(addScenarioOptions(cmd)))
    .option('--a <scenario>', "side A's scenario (name or file; default: --scenario)")
    .option('--b <scenario>', "side B's scenario (name or file; default: --scenario); its data fields must equal A's")
    .option('--a-set <workload.field=value>', "override a workload field of side A's scenario (repeatable)", collect, [])
    .option(
      '--b-set <workload.field=value>',
      "override a workload field of side B's scenario (repeatable), e.g. workload.prepared=false",
      collect,
      [],
    )
    .option('--a-layout <name>', 'side A measures this layout only (with --b-layout: A on one layout against B on another)')
    .option('--b-layout <name>', 'side B measures this layout only')
    .option(
      '--a-pg-setting <name=value>',
      "server setting for A's windows, per session (ALTER DATABASE ... SET; only user/superuser-context settings; repeatable)",
      collect,
      [],
    )
    .option(
      '--b-pg-setting <name=value>',
      "server setting for B's windows, e.g. enable_indexscan=off (same rules; repeatable)",
      collect,
      [],
    )
    .option(
      '--a-layout-option <rls.policy=form>',
      "side A's rls policy form (setting, function-stable, function-volatile, subquery, membership, no-index): the rls tables are taken to it before A's windows (DDL, rows untouched)",
      collect,
      [],
    )
    .option(
      '--b-layout-option <rls.policy=form>',
      "side B's rls policy form, e.g. rls.policy=function-stable (a policy calling a plpgsql function); the seeded form is put back at the end",
      collect,
      [],
    )
    .option('--a-pg-bin <dir>', 'PostgreSQL binaries for side A: must equal --b-pg-bin (one server; see README "A/B gate")')
    .option('--b-pg-bin <dir>', 'PostgreSQL binaries for side B: must equal --a-pg-bin')
    .option(
      '--a-runs <bundles>',
      "no server: side A's windows from finished one-repeat bundles (comma-separated, repeatable), paired in order with --b-runs",
      list,
    )
    .option('--b-runs <bundles>', "no server: side B's windows from finished bundles, as many as --a-runs", list)
    .option(
      '--seeded',
      'do not seed: check and use the layouts an earlier `seed` (or `ab`) left on the target (--pg-data or --database-url)',
    )
    .option('--pairs <n>', 'window pairs per layout (each side runs this many windows)', positiveInt('--pairs'), 6)
    .option(
      '--settle-pairs <n>',
      'pairs run first and left out of the verdict (the server settling after its start and the seed); 0 for none',
      (v: string) => (v === '0' ? 0 : positiveInt('--settle-pairs')(v)),
      2,
    )
    .option('--duration <seconds>', "measured seconds per window (default: the scenario's)", seconds('--duration', 0.1))
    .option('--warmup <seconds>', "warm-up seconds before each window (default: the scenario's)", seconds('--warmup', 0))
    .option(
      '--max-regression <percent>',
      'allowed change before a regression: latency up or throughput down by more than this',
      percent('--max-regression', 0, 100),
      0.1,
    )
    .option('--confidence <percent>', 'two-sided confidence of the paired interval', percent('--confidence', 50, 100), 0.95)
    .option(
      '--gate <metrics>',
      'what decides the verdict and the exit code: metrics of every query (p50, p99, throughput) or of one query (query/metric; all = the whole mix); ' +
        'the others are reported, marked "not gated". E.g. p50,throughput, or all/p50,all/throughput where short windows leave rare queries too noisy to settle',
      gateArg,
      AB_METRICS.map((m) => m.id),
    )
    .option(
      '--order-seed <n>',
      "the window order's seed (which side starts the ABBA sequence, the layouts' shuffle): default a random one, recorded in ab.json and printed; give it to reproduce a run's order (--seed is the data's seed)",
      orderSeedArg,
    )
    .option('-o, --out <file>', 'where to write the Markdown verdict (default: reports/ab/<run-id>.md)')
    .action(async (opts: AbOpts) => {
      if (opts.out !== undefined) ensureOutputFile(opts.out, '--out');
      const verdictOptions = { threshold: opts.maxRegression, confidence: opts.confidence, gate: opts.gate };
      let verdict: AbVerdict;
      let md: string;
      let outName: string;
      if (opts.aRuns || opts.bRuns) {
        if (!opts.aRuns || !opts.bRuns) throw new UsageError('--a-runs and --b-runs go together', 'a-runs');
        const { slots, windows } = bundleWindows(opts.aRuns.map(loadResults), opts.bRuns.map(loadResults));
        verdict = abVerdict(slots, windows, verdictOptions);
        md = abMarkdown(verdict, {
          a: opts.aRuns.join(', '),
          b: opts.bRuns.join(', '),
          pairs: opts.aRuns.length,
          windowSeconds: 'one run each',
        });
        outName = `runs-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      } else {
        const r = await runAb(opts, verdictOptions);
        verdict = r.verdict!;
        md = abMarkdown(verdict, {
          a: r.sides.A.description,
          b: r.sides.B.description,
          pairs: opts.pairs,
          settlePairs: opts.settlePairs,
          orderSeed: r.orderSeed,
          windowSeconds: r.windowSeconds,
          note: `bundle: ${r.bundleDir}`,
        });
        writeFileSync(join(r.bundleDir, 'ab.md'), md);
        outName = r.runId;
      }
      const out = ensureOutputFile(opts.out ?? join(defaultReportsDir(), 'ab', `${outName}.md`), '--out');
      writeFileSync(out, md);
      process.stdout.write(`${md}\nwritten to ${out}\n`);
      const count = (k: string) => verdict.metrics.filter((m) => m.gating && m.verdict === k).length;
      if (verdict.overall === 'cannot compare')
        throw new CannotCompareError(
          `cannot compare: ${[...verdict.problems, `${count('cannot compare')} metric(s) without enough valid pairs`].join('; ')}`,
        );
      if (verdict.overall === 'regression')
        throw new RegressionFound(`${count('regression')} regression(s) beyond ${Math.round(opts.maxRegression * 100)}%`);
      if (verdict.overall === 'inconclusive')
        throw new InconclusiveError(`inconclusive: ${count('inconclusive')} metric(s) need more window pairs (see "to settle")`);
    });
}

/** Resolve both sides (exit 2 on anything wrong, before a server starts), seed once, run the windows. */
async function runAb(
  opts: AbOpts,
  verdict: { threshold: number; confidence: number; gate: string[] },
): Promise<AbResult & { bundleDir: string; runId: string; windowSeconds: string }> {
  if (opts.aPgBin !== opts.bPgBin) {
    throw new UsageError(
      '--a-pg-bin and --b-pg-bin differ: two PostgreSQL builds need two servers, and ab measures both sides on one server (so the machine and the data are the same for both); ' +
        'give one --pg-bin, or run each build with `run --pg-bin` and compare the bundles',
      'a-pg-bin',
    );
  }
  const common: Record<string, unknown> = {};
  if (opts.duration !== undefined) common.durationSeconds = opts.duration;
  if (opts.warmup !== undefined) common.warmupSeconds = opts.warmup;
  const shared = { tenants: opts.tenants, rows: opts.rows, seed: opts.seed };
  const baseLayouts = opts.layouts
    ?.split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  const side = (
    label: 'A' | 'B',
    name: string | undefined,
    sets: string[],
    layout: string | undefined,
    pgSettings: string[],
    layoutOptions: string[],
  ): AbSide => {
    const flag = `--${label.toLowerCase()}`;
    const workload = { ...common, ...workloadSets(sets, `${flag}-set`) };
    const layouts = layout ? [layout] : baseLayouts;
    const loaded: ResolvedScenario = loadScenario(name ?? opts.scenario, {
      ...Object.fromEntries(Object.entries(shared).filter(([, v]) => v !== undefined)),
      ...(layouts ? { layouts } : {}),
      workload,
    });
    const scenario = withLayoutOptions(loaded, layoutOptions, `${flag}-layout-option`);
    const settings = settingsOf(pgSettings, `${flag}-pg-setting`);
    const parts = [
      name ?? opts.scenario,
      ...sets.map((x) => `${flag}-set ${x}`),
      ...(layout ? [`${flag}-layout ${layout}`] : []),
      ...layoutOptions.map((x) => `${flag}-layout-option ${x}`),
      ...Object.entries(settings).map(([k, v]) => `${flag}-pg-setting ${k}=${v}`),
    ];
    return { label, description: parts.join(', '), scenario, layouts: [...scenario.layouts], settings };
  };
  const a = side('A', opts.a, opts.aSet, opts.aLayout, opts.aPgSetting, opts.aLayoutOption);
  const b = side('B', opts.b, opts.bSet, opts.bLayout, opts.bPgSetting, opts.bLayoutOption);
  if (dataDefinition(a.scenario) !== dataDefinition(b.scenario)) {
    throw new UsageError(
      'the sides define different data (seed, tenants, rows, sizes or layoutOptions differ): ab seeds once and measures both sides on the same rows; ' +
        'keep the data fields equal and vary the workload, the layout or per-session settings',
      'b',
    );
  }
  const queries = ['all', ...new Set([...Object.keys(a.scenario.workload.mix), ...Object.keys(b.scenario.workload.mix)])];
  const gateIssue = gateProblem(verdict.gate, queries);
  if (gateIssue) throw new UsageError(gateIssue, 'gate');
  const slots: AbSlot[] | null = abSlots(a.layouts, b.layouts);
  if (!slots) {
    throw new UsageError(
      `the sides measure different layout lists (A: ${a.layouts.join(', ')}; B: ${b.layouts.join(', ')}): give the same layouts, or one each with --a-layout/--b-layout`,
      'layouts',
    );
  }
  const union = [...new Set([...a.layouts, ...b.layouts])];
  const { scenario, target } = resolveCommon(
    { ...opts, scenario: opts.a ?? opts.scenario, layouts: union.join(','), pgBin: opts.pgBin ?? opts.aPgBin },
    { workload: common },
  );
  const orderSeed = opts.orderSeed ?? randomOrderSeed();
  let result: AbResult | null = null;
  const s = await runPipeline({ command: 'ab', scenario, target, resultsDir: opts.resultsDir, prefix: opts.prefix, quiet: opts.quiet }, [
    stages.seed({ reuse: opts.seeded }),
    {
      id: 'ab',
      run: async (session) => {
        result = await abStage(session, { a, b, slots, pairs: opts.pairs, settlePairs: opts.settlePairs, orderSeed, verdict });
      },
    },
  ]);
  const w = (x: AbSide) => `${x.scenario.workload.warmupSeconds} s warm-up + ${x.scenario.workload.durationSeconds} s`;
  const windowSeconds = w(a) === w(b) ? `${w(a)} each` : `A ${w(a)}, B ${w(b)}`;
  return { ...(result as unknown as AbResult), bundleDir: s.bundle.dir, runId: s.bundle.runId, windowSeconds };
}
