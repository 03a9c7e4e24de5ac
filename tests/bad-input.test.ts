/**
 * Every bad input is a clear exit 2 before anything starts: one row per case (a command line, with
 * a scenario or placement file when the case needs one), the exit code, the words stderr must
 * contain, and "nothing started": no embedded cluster directory created (each row runs with its own
 * empty TMPDIR, where a throwaway cluster would go), no process left mentioning it, and no results
 * bundle written. Rows run as child processes, a few at a time.
 */
import assert from 'node:assert/strict';
import { chmodSync, cpSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { packageRoot } from '../src/paths.js';
import { existsSync, processesMentioning, runCli, tempDir } from './helpers.js';
import type { CliRun } from './helpers.js';

const FIXTURE = join(packageRoot(), 'tests', 'fixtures', 'smoke-run');
const ROOT = tempDir('tenantbench-bad-');
const file = (name: string, text: string) => {
  const p = join(ROOT, name);
  writeFileSync(p, text);
  return p;
};

/** A valid small scenario; rows below replace or add fields. */
const BASE = {
  name: 'bad',
  seed: 1,
  tenants: '{ count: 5 }',
  rows: 500,
  layouts: '[shared, rls, schema, database, hybrid]',
};
function scenario(name: string, extra: Record<string, string | number> = {}, drop: string[] = []): string {
  const fields: Record<string, string | number> = { ...BASE, ...extra };
  for (const d of drop) delete fields[d];
  return file(
    `${name}.yaml`,
    `${Object.entries(fields)
      .map(([k, v]) => `${k}: ${v}`)
      .join('\n')}\n`,
  );
}
const workload = (name: string, w: string) => scenario(name, { workload: w });
const placement = (name: string, text: string, ext = 'yaml') => file(`${name}.${ext}`, text);

// Fixtures the rows point at.
const A_FILE = file('a-file', 'not a directory');
const EMPTY_DIR = join(ROOT, 'empty');
mkdirSync(EMPTY_DIR);
const FAKE_BIN = join(ROOT, 'fake-bin');
mkdirSync(FAKE_BIN);
for (const t of ['postgres', 'initdb']) {
  writeFileSync(join(FAKE_BIN, t), '#!/bin/sh\necho "not a database"\n');
  chmodSync(join(FAKE_BIN, t), 0o755);
}
const NO_SUMMARY = join(ROOT, 'no-summary');
mkdirSync(NO_SUMMARY);
const BAD_JSON = join(ROOT, 'bad-json');
mkdirSync(BAD_JSON);
writeFileSync(join(BAD_JSON, 'summary.json'), '{ not json');
const OLD_SCHEMA = join(ROOT, 'old-schema');
cpSync(FIXTURE, OLD_SCHEMA, { recursive: true });
writeFileSync(join(OLD_SCHEMA, 'summary.json'), JSON.stringify({ schemaVersion: 0, runId: 'x' }));
const URL = 'postgres://u:p@127.0.0.1:1/postgres';
const SMALL = ['--tenants', '5', '--rows', '500'];

interface Row {
  name: string;
  args: string[];
  code?: number;
  words: (string | RegExp)[];
}

const rows: Row[] = [
  // The command line itself.
  { name: 'bare tenantbench prints help', args: [], words: ['Usage: tenantbench', 'Commands:'] },
  { name: 'unknown command', args: ['nosuch'], words: ["unknown command 'nosuch'"] },
  { name: 'unknown option', args: ['seed', '--no-such-flag'], words: ["unknown option '--no-such-flag'"] },
  { name: 'option without its value', args: ['report', FIXTURE, '-o'], words: ["option '-o, --out <dir>' argument missing"] },
  { name: 'excess argument', args: ['seed', 'extra'], words: ['too many arguments'] },
  { name: 'compare without arguments', args: ['compare'], words: ["missing required argument 'baseline'"] },
  { name: 'report without arguments', args: ['report'], words: ["missing required argument 'results'"] },
  // Numbers refused by the parser, in one message style.
  { name: '--duration 0', args: ['run', '--duration', '0'], words: ['--duration must be a number > 0 (got "0")'] },
  { name: '--duration negative', args: ['run', '--duration=-1'], words: ['--duration must be a number > 0 (got "-1")'] },
  { name: '--duration text', args: ['run', '--duration', 'ten'], words: ['--duration must be a number > 0 (got "ten")'] },
  { name: '--rate 0', args: ['run', '--rate', '0'], words: ['--rate must be a number > 0 (got "0")'] },
  { name: '--rate text', args: ['run', '--rate', 'fast'], words: ['--rate must be a number > 0 (got "fast")'] },
  { name: '--warmup negative', args: ['run', '--warmup=-1'], words: ['--warmup must be a number >= 0'] },
  { name: '--repeats 0', args: ['run', '--repeats', '0'], words: ['--repeats must be a positive integer (got "0")'] },
  { name: '--repeats 1.5', args: ['run', '--repeats', '1.5'], words: ['--repeats must be a positive integer'] },
  { name: '--users 0', args: ['run', '--users', '0'], words: ['--users must be a positive integer'] },
  { name: '--mode unknown', args: ['run', '--mode', 'fast'], words: ['Allowed choices are closed, open'] },
  { name: '--mix malformed', args: ['run', '--mix', 'recent-orders'], words: ['--mix: expected name=weight'] },
  { name: '--mix unknown query', args: ['run', ...SMALL, '--mix', 'nosuch=1'], words: ['nosuch'] },
  { name: '--p99-target 0', args: ['run', '--p99-target', '0'], words: ['--p99-target must be a number of milliseconds > 0'] },
  { name: '--rate-sweep text', args: ['run', '--rate-sweep', 'a,b'], words: ['--rate-sweep: expected rates per second'] },
  { name: '--tenants 0', args: ['seed', '--tenants', '0'], words: ['--tenants must be a positive integer'] },
  { name: '--tenants text', args: ['seed', '--tenants', 'many'], words: ['--tenants must be a positive integer'] },
  { name: '--rows 0', args: ['seed', '--rows', '0'], words: ['--rows must be a positive integer'] },
  { name: '--rows below --tenants', args: ['seed', '--tenants', '10', '--rows', '5'], words: ['rows', 'fewer than the 10 tenants'] },
  { name: '--seed negative', args: ['seed', '--seed=-1'], words: ['--seed must be a non-negative integer'] },
  { name: '--server-nice 20', args: ['seed', '--server-nice', '20'], words: ['--server-nice must be an integer from 0 to 19'] },
  { name: '--server-nice text', args: ['seed', '--server-nice', 'low'], words: ['--server-nice must be an integer'] },
  { name: '--profile unknown', args: ['seed', '--profile', 'fast'], words: ['Allowed choices are benchmark, test'] },
  { name: '--target unknown', args: ['seed', '--target', 'cloud'], words: ['Allowed choices are embedded, url, testcontainers'] },
  { name: 'backup --jobs 0', args: ['backup', '--jobs', '0'], words: ['--jobs must be a positive integer'] },
  { name: 'migrate --steps 0', args: ['migrate', '--steps', '0'], words: ['--steps must be a positive integer'] },
  { name: 'all --parallel 0', args: ['all', '--parallel', '0'], words: ['--parallel must be a positive integer'] },
  { name: '--servers 0', args: ['seed', '--servers', '0'], words: ['--servers must be a positive integer'] },
  { name: '--servers 17', args: ['seed', ...SMALL, '--servers', '17'], words: ['--servers 17: an integer from 1 to 16'] },
  {
    name: 'ab layout option not a policy form',
    args: ['ab', '--scenario', 'smoke', '--b-layout-option', 'rls.policy=per-row'],
    words: ['--b-layout-option "rls.policy=per-row": expected rls.policy=<form>', 'function-volatile'],
  },
  {
    name: 'ab layout option other than rls.policy',
    args: ['ab', '--scenario', 'smoke', '--a-layout-option', 'hybrid.dedicated=2'],
    words: ['--a-layout-option "hybrid.dedicated=2"', 'the only layout option that may differ'],
  },
  // Layouts and scenario names on the command line.
  { name: '--layouts unknown', args: ['seed', '--layouts', 'shared,sharded'], words: ['sharded'] },
  { name: '--layouts twice', args: ['seed', ...SMALL, '--layouts', 'shared,shared'], words: ['layouts', 'listed twice: shared'] },
  { name: '--scenario unknown name', args: ['seed', '--scenario', 'no-such-scenario'], words: ['no-such-scenario'] },
  { name: '--scenario missing file', args: ['seed', '--scenario', join(ROOT, 'missing.yaml')], words: ['missing.yaml'] },
  // Targets.
  { name: '--target url without a url', args: ['seed', '--target', 'url'], words: ['--target url needs --database-url'] },
  { name: '--database-url not a url', args: ['seed', '--database-url', 'localhost'], words: ['--database-url'] },
  { name: '--database-url other scheme', args: ['seed', '--database-url', 'mysql://u@h/db'], words: ['--database-url'] },
  {
    name: '--target testcontainers with --database-url',
    args: ['seed', ...SMALL, '--target', 'testcontainers', '--database-url', URL],
    words: ['--database-url cannot be combined with --target testcontainers'],
  },
  {
    name: 'the same server twice',
    args: ['seed', ...SMALL, '--database-url', URL, '--database-url', URL],
    words: ['are the same server (127.0.0.1:1)'],
  },
  { name: '--servers with --database-url', args: ['seed', ...SMALL, '--servers', '2', '--database-url', URL], words: ['--servers'] },
  { name: '--servers with --pg-data', args: ['seed', ...SMALL, '--servers', '2', '--pg-data', EMPTY_DIR], words: ['--pg-data'] },
  { name: '--prefix upper case', args: ['seed', '--prefix', 'TB'], words: ['--prefix "TB": lower-case letters'] },
  { name: '--prefix with a dash', args: ['seed', '--prefix', 'tb-x'], words: ['--prefix "tb-x"'] },
  { name: '--prefix starting with a digit', args: ['seed', '--prefix', '1tb'], words: ['--prefix "1tb"'] },
  { name: '--prefix too long', args: ['seed', '--prefix', 'a'.repeat(22)], words: ['at most 21 characters'] },
  { name: '--pg-setting without =', args: ['seed', '--pg-setting', 'work_mem'], words: ['--pg-setting "work_mem": expected name=value'] },
  {
    name: '--pg-setting unknown name',
    args: ['seed', ...SMALL, '--pg-setting', 'no_such_param=1'],
    words: ['--pg-setting no_such_param: not a parameter'],
  },
  {
    name: '--pg-setting misspelt',
    args: ['seed', ...SMALL, '--pg-setting', 'shared_buffer=1MB'],
    words: ['did you mean', 'shared_buffers'],
  },
  {
    name: '--pg-bin missing dir',
    args: ['seed', ...SMALL, '--pg-bin', join(ROOT, 'nope')],
    words: ['--pg-bin', 'not a PostgreSQL bin directory'],
  },
  { name: '--pg-bin without postgres', args: ['seed', ...SMALL, '--pg-bin', EMPTY_DIR], words: ['--pg-bin', EMPTY_DIR] },
  { name: '--pg-bin not PostgreSQL', args: ['seed', ...SMALL, '--pg-bin', FAKE_BIN], words: ['--pg-bin', 'says "not a database"'] },
  { name: '--pg-data is a file', args: ['seed', ...SMALL, '--pg-data', A_FILE], words: ['--pg-data', 'exists and is not a directory'] },
  { name: '--pg-data under a file', args: ['seed', ...SMALL, '--pg-data', join(A_FILE, 'pg')], words: ['--pg-data', 'not a directory'] },
  {
    name: '--pg-data under /proc',
    args: ['seed', ...SMALL, '--pg-data', '/proc/tenantbench-pg'],
    words: ['--pg-data', 'pseudo filesystem'],
  },
  // --seeded needs a server that outlives a command.
  ...(['seed', 'run', 'verify', 'migrate', 'backup', 'operations'] as const).map(
    (cmd): Row => ({
      name: `${cmd} --seeded on a throwaway server`,
      args: [cmd, ...SMALL, '--seeded'],
      words: ['--seeded', '--pg-data DIR'],
    }),
  ),
  { name: 'verify --self-test --seeded', args: ['verify', '--self-test', '--seeded'], words: ["cannot be used with option '--seeded'"] },
  { name: 'verify with one tenant', args: ['verify', '--tenants', '1', '--rows', '10'], words: ['verify needs at least 2 tenants'] },
  // Output paths: created or refused up front, never a hang or a raw EACCES.
  {
    name: '--results-dir under /proc',
    args: ['seed', ...SMALL, '--results-dir', '/proc/tenantbench'],
    words: ['--results-dir /proc/tenantbench', 'pseudo filesystem'],
  },
  { name: '--results-dir /proc itself', args: ['seed', ...SMALL, '--results-dir', '/proc'], words: ['--results-dir /proc'] },
  {
    name: '--results-dir under /sys',
    args: ['seed', ...SMALL, '--results-dir', '/sys/tenantbench'],
    words: ['--results-dir /sys/tenantbench', 'pseudo filesystem'],
  },
  {
    name: '--results-dir is a file',
    args: ['seed', ...SMALL, '--results-dir', A_FILE],
    words: ['--results-dir', 'exists and is not a directory'],
  },
  {
    name: '--results-dir under a file',
    args: ['seed', ...SMALL, '--results-dir', join(A_FILE, 'r')],
    words: ['--results-dir', 'not a directory'],
  },
  {
    name: 'all --reports-dir under /proc',
    args: ['all', ...SMALL, '--reports-dir', '/proc/tenantbench'],
    words: ['--reports-dir /proc/tenantbench'],
  },
  { name: 'all --reports-dir is a file', args: ['all', ...SMALL, '--reports-dir', A_FILE], words: ['--reports-dir', 'not a directory'] },
  {
    name: 'report -o under /proc',
    args: ['report', FIXTURE, '-o', '/proc/tenantbench'],
    words: ['--out /proc/tenantbench', 'pseudo filesystem'],
  },
  { name: 'report -o is a file', args: ['report', FIXTURE, '-o', A_FILE], words: ['--out', 'not a directory'] },
  {
    name: 'compare -o under /proc',
    args: ['compare', FIXTURE, FIXTURE, '-o', '/proc/tenantbench/pr.md'],
    words: ['--out /proc/tenantbench/pr.md'],
  },
  {
    name: 'compare -o under a file',
    args: ['compare', FIXTURE, FIXTURE, '-o', join(A_FILE, 'pr.md')],
    words: ['--out', 'not a directory'],
  },
  {
    name: 'compare -o a directory',
    args: ['compare', FIXTURE, FIXTURE, '-o', EMPTY_DIR],
    words: ['--out', 'is a directory, expected a file'],
  },
  // Results bundles read by report and compare.
  { name: 'report of a missing bundle', args: ['report', join(ROOT, 'nope')], words: ['results not found'] },
  { name: 'report of a folder without summary.json', args: ['report', NO_SUMMARY], words: ['no summary.json', 'not a results bundle'] },
  { name: 'report of invalid JSON', args: ['report', BAD_JSON], words: ['not valid JSON'] },
  { name: 'report of another schema version', args: ['report', OLD_SCHEMA], words: ['does not match the summary schema'] },
  { name: 'compare with a missing bundle', args: ['compare', FIXTURE, join(ROOT, 'nope')], words: ['results not found'] },
  { name: 'compare with invalid JSON', args: ['compare', BAD_JSON, FIXTURE], words: ['not valid JSON'] },
  {
    name: 'compare --max-regression malformed',
    args: ['compare', FIXTURE, FIXTURE, '--max-regression', 'p99=ten'],
    words: ['expected key=N%'],
  },
  {
    name: 'compare --max-regression unknown key',
    args: ['compare', FIXTURE, FIXTURE, '--max-regression', 'latency=5%'],
    words: ['unknown key "latency"'],
  },
  // Placement files.
  {
    name: 'placement file missing',
    args: ['seed', ...SMALL, '--placement', join(ROOT, 'nope.yaml')],
    words: ['--placement: file not found'],
  },
  { name: 'placement not YAML', args: ['seed', ...SMALL, '--placement', placement('p-parse', 'servers: [\n')], words: ['cannot parse'] },
  {
    name: 'placement unknown field',
    args: ['seed', ...SMALL, '--placement', placement('p-field', 'servers: [{name: a}]\nzones: 2\n')],
    words: ['field "zones": unknown field'],
  },
  { name: 'placement without servers', args: ['seed', ...SMALL, '--placement', placement('p-none', 'servers: []\n')], words: ['servers'] },
  {
    name: 'placement bad server name',
    args: ['seed', ...SMALL, '--placement', placement('p-name', 'servers: [{name: A!}]\n')],
    words: ['servers.0.name'],
  },
  {
    name: 'placement server listed twice',
    args: ['seed', ...SMALL, '--placement', placement('p-twice', 'servers: [{name: a}, {name: a}]\n')],
    words: ['"a" is listed twice'],
  },
  {
    name: 'placement url on some servers only',
    args: ['seed', ...SMALL, '--placement', placement('p-some', `servers: [{name: a, url: "${URL}"}, {name: b}]\n`)],
    words: ['give a url for every server or for none'],
  },
  {
    name: 'placement unknown rule',
    args: ['seed', ...SMALL, '--placement', placement('p-rule', 'servers: [{name: a}, {name: b}]\nrule: random\n')],
    words: ['rule'],
  },
  {
    name: 'placement extra-servers with one server',
    args: ['seed', ...SMALL, '--placement', placement('p-extra', 'servers: [{name: a}]\nrule: extra-servers\n')],
    words: ['"extra-servers" needs at least two servers'],
  },
  {
    name: 'placement unknown server for a tenant',
    args: ['seed', ...SMALL, '--placement', placement('p-srv', 'servers: [{name: a}, {name: b}]\ntenants: {t0001: c}\n')],
    words: ['unknown server "c"'],
  },
  {
    name: 'placement tenant not in the scenario',
    args: ['seed', ...SMALL, '--placement', placement('p-t99', 'servers: [{name: a}, {name: b}]\ntenants: {t0099: a}\n')],
    words: ['t0099 is not a tenant of this scenario'],
  },
  {
    name: 'placement tenant slug malformed',
    args: ['seed', ...SMALL, '--placement', placement('p-slug', 'servers: [{name: a}, {name: b}]\ntenants: {tenant1: a}\n')],
    words: ['tenants'],
  },
  {
    name: 'placement t0001 and t00001',
    args: ['seed', ...SMALL, '--placement', placement('p-canon', 'servers: [{name: a}, {name: b}]\ntenants: {t0001: a, t00001: b}\n')],
    words: ['"t00001": write tenant 1 as t0001'],
  },
  {
    name: 'placement t0001 twice (YAML)',
    args: ['seed', ...SMALL, '--placement', placement('p-dup', 'servers: [{name: a}, {name: b}]\ntenants:\n  t0001: a\n  t0001: b\n')],
    words: ['Map keys must be unique'],
  },
  {
    name: 'placement t0001 twice (JSON)',
    args: [
      'seed',
      ...SMALL,
      '--placement',
      placement('p-dupj', '{"servers": [{"name": "a"}, {"name": "b"}], "tenants": {"t0001": "a", "t0001": "b"}}', 'json'),
    ],
    words: ['Map keys must be unique'],
  },
  {
    name: 'placement with several --database-url',
    args: [
      'seed',
      ...SMALL,
      '--placement',
      placement('p-urls', 'servers: [{name: a}]\n'),
      '--database-url',
      URL,
      '--database-url',
      'postgres://u:p@127.0.0.2:1/postgres',
    ],
    words: ['list the servers in the placement file'],
  },
  {
    name: 'placement with --servers',
    args: ['seed', ...SMALL, '--servers', '2', '--placement', placement('p-both', 'servers: [{name: a}]\n')],
    words: ['--servers and --placement'],
  },
  // Scenario files.
  { name: 'scenario not YAML', args: ['seed', '--scenario', file('s-parse.yaml', 'name: [\n')], words: ['s-parse.yaml'] },
  {
    name: 'scenario layouts not a list',
    args: ['seed', '--scenario', scenario('s-lstr', { layouts: 'shared' })],
    words: ['field "layouts"', 'expected array'],
  },
  { name: 'scenario without rows', args: ['seed', '--scenario', scenario('s-norows', {}, ['rows'])], words: ['rows'] },
  { name: 'scenario unknown field', args: ['seed', '--scenario', scenario('s-field', { colour: 'blue' })], words: ['colour'] },
  { name: 'scenario tenants 0', args: ['seed', '--scenario', scenario('s-t0', { tenants: '{ count: 0 }' })], words: ['tenants.count'] },
  {
    name: 'scenario tenants text',
    args: ['seed', '--scenario', scenario('s-ttext', { tenants: '{ count: many }' })],
    words: ['tenants.count'],
  },
  { name: 'scenario rows negative', args: ['seed', '--scenario', scenario('s-rneg', { rows: -5 })], words: ['rows'] },
  {
    name: 'scenario rows below tenants',
    args: ['seed', '--scenario', scenario('s-rlow', { rows: 3 })],
    words: ['rows', 'fewer than the 5 tenants'],
  },
  { name: 'scenario seed negative', args: ['seed', '--scenario', scenario('s-seed', { seed: -1 })], words: ['seed'] },
  {
    name: 'scenario unknown size kind',
    args: ['seed', '--scenario', scenario('s-size', { tenants: '{ count: 5, sizes: { kind: pareto } }' })],
    words: ['tenants.sizes'],
  },
  {
    name: 'scenario zipf s out of range',
    args: ['seed', '--scenario', scenario('s-zipf', { tenants: '{ count: 5, sizes: { kind: zipf, s: 9 } }' })],
    words: ['tenants.sizes'],
  },
  {
    name: 'scenario enterprise count >= tenants',
    args: ['seed', '--scenario', scenario('s-ent', { tenants: '{ count: 5, sizes: { kind: enterprise, count: 5, share: 0.5 } }' })],
    words: ['tenants.sizes.count'],
  },
  {
    name: 'scenario enterprise share 1',
    args: ['seed', '--scenario', scenario('s-share', { tenants: '{ count: 5, sizes: { kind: enterprise, count: 1, share: 1 } }' })],
    words: ['share'],
  },
  {
    name: 'scenario unknown layout',
    args: ['seed', '--scenario', scenario('s-layout', { layouts: '[shared, sharded]' })],
    words: ['layouts'],
  },
  {
    name: 'scenario layout twice',
    args: ['seed', '--scenario', scenario('s-ltwice', { layouts: '[rls, rls]' })],
    words: ['layouts', 'listed twice: rls'],
  },
  { name: 'scenario no layouts', args: ['seed', '--scenario', scenario('s-lnone', { layouts: '[]' })], words: ['layouts'] },
  {
    name: 'dedicatedTenants t0001 twice',
    args: ['seed', '--scenario', scenario('s-dt2', { layoutOptions: '{ hybrid: { dedicatedTenants: [t0001, t0001] } }' })],
    words: ['layoutOptions.hybrid.dedicatedTenants', 'tenant t0001 is listed twice'],
  },
  {
    name: 'dedicatedTenants t0001 and t00001',
    args: ['seed', '--scenario', scenario('s-dtc', { layoutOptions: '{ hybrid: { dedicatedTenants: [t0001, t00001] } }' })],
    words: ['layoutOptions.hybrid.dedicatedTenants', 'write tenant 1 as t0001'],
  },
  {
    name: 'dedicatedTenants not a tenant',
    args: ['seed', '--scenario', scenario('s-dt9', { layoutOptions: '{ hybrid: { dedicatedTenants: [t0009] } }' })],
    words: ['dedicatedTenants', 't0009 is not a tenant'],
  },
  {
    name: 'dedicatedTenants malformed',
    args: ['seed', '--scenario', scenario('s-dtm', { layoutOptions: '{ hybrid: { dedicatedTenants: [big] } }' })],
    words: ['dedicatedTenants'],
  },
  {
    name: 'hybrid dedicated above the tenants',
    args: ['seed', '--scenario', scenario('s-ded', { layoutOptions: '{ hybrid: { dedicated: 9 } }' })],
    words: ['layoutOptions.hybrid.dedicated', 'more than the 5 tenants'],
  },
  {
    name: 'hybrid placement unknown',
    args: ['seed', '--scenario', scenario('s-hpl', { layoutOptions: '{ hybrid: { placement: cloud } }' })],
    words: ['layoutOptions.hybrid.placement'],
  },
  {
    name: 'rls policy form unknown',
    args: ['seed', '--scenario', scenario('s-rpf', { layoutOptions: '{ rls: { policy: cheap } }' })],
    words: ['layoutOptions.rls.policy', 'allowed: setting, function-stable, function-volatile, subquery, membership, no-index'],
  },
  {
    name: 'hybrid policy form unknown',
    args: ['seed', '--scenario', scenario('s-hpf', { layoutOptions: '{ hybrid: { policy: 42 } }' })],
    words: ['layoutOptions.hybrid.policy', 'allowed: setting'],
  },
  {
    name: 'membership policy with the pgbench reference',
    args: [
      'seed',
      '--scenario',
      scenario('s-mpg', { layoutOptions: '{ rls: { policy: membership } }', workload: '{ reference: pgbench }' }),
    ],
    words: ['layoutOptions.rls.policy', 'pgbench'],
  },
  {
    name: 'policyForms unknown form',
    args: ['seed', '--scenario', scenario('s-pfu', { policyForms: '{ forms: [setting, magic] }', workload: '{ mode: open }' })],
    words: ['policyForms.forms.1', 'allowed: setting'],
  },
  {
    name: 'policyForms without the setting baseline',
    args: ['seed', '--scenario', scenario('s-pfb', { policyForms: '{ forms: [subquery, membership] }', workload: '{ mode: open }' })],
    words: ['policyForms.forms', 'must include setting'],
  },
  {
    name: 'policyForms in a closed loop',
    args: ['seed', '--scenario', scenario('s-pfc', { policyForms: '{}' })],
    words: ['workload.mode', 'equal offered load'],
  },
  {
    name: 'policyForms without rls',
    args: ['seed', '--scenario', scenario('s-pfr', { policyForms: '{}', layouts: '[shared]', workload: '{ mode: open }' })],
    words: ['policyForms', 'add rls to layouts'],
  },
  {
    name: 'layoutOptions unknown layout',
    args: ['seed', '--scenario', scenario('s-lo', { layoutOptions: '{ sharded: {} }' })],
    words: ['sharded'],
  },
  {
    name: 'workload duration 0',
    args: ['run', '--scenario', workload('w-dur', '{ durationSeconds: 0 }')],
    words: ['workload.durationSeconds'],
  },
  {
    name: 'workload duration text',
    args: ['run', '--scenario', workload('w-durt', '{ durationSeconds: long }')],
    words: ['workload.durationSeconds'],
  },
  {
    name: 'workload warm-up negative',
    args: ['run', '--scenario', workload('w-warm', '{ warmupSeconds: -1 }')],
    words: ['workload.warmupSeconds'],
  },
  { name: 'workload repeats 0', args: ['run', '--scenario', workload('w-rep', '{ repeats: 0 }')], words: ['workload.repeats'] },
  { name: 'workload users 0', args: ['run', '--scenario', workload('w-users', '{ users: 0 }')], words: ['workload.users'] },
  { name: 'workload mode unknown', args: ['run', '--scenario', workload('w-mode', '{ mode: burst }')], words: ['workload.mode'] },
  { name: 'workload rate 0', args: ['run', '--scenario', workload('w-rate', '{ mode: open, ratePerS: 0 }')], words: ['workload.ratePerS'] },
  // Scenario-declared queries (custom-query-schema.ts): refused before any server starts.
  {
    name: 'queries param kind unknown',
    args: [
      'run',
      '--scenario',
      scenario('q-kind', {
        queries: `[{ name: mine, sql: 'SELECT o.id FROM orders o WHERE {{tenant o}} AND o.id = $1', params: [{ kind: uuid }] }]`,
      }),
    ],
    words: ['queries.0.params.0.kind', 'expected one of own-id, timestamp, int-range, pick, own-row'],
  },
  {
    name: 'queries tenant marker missing',
    args: [
      'run',
      '--scenario',
      scenario('q-mark', {
        queries: `[{ name: mine, sql: 'SELECT o.id FROM orders o WHERE o.id = $1', params: [{ kind: own-id, table: orders }] }]`,
      }),
    ],
    words: ['queries.0.sql', 'no {{tenant o}} marker'],
  },
  {
    name: 'queries built-in name',
    args: [
      'run',
      '--scenario',
      scenario('q-name', { queries: `[{ name: point-lookup, sql: 'SELECT o.id FROM orders o WHERE {{tenant o}}' }]` }),
    ],
    words: ['queries.0.name', 'built-in query'],
  },
  {
    name: 'queries writes',
    args: [
      'run',
      '--scenario',
      scenario('q-wr', { queries: `[{ name: mine, writes: true, sql: 'SELECT o.id FROM orders o WHERE {{tenant o}}' }]` }),
    ],
    words: ['queries.0.writes', 'must be read-only'],
  },
  {
    name: 'queries placeholders without params',
    args: [
      'run',
      '--scenario',
      scenario('q-par', { queries: `[{ name: mine, sql: 'SELECT o.id FROM orders o WHERE {{tenant o}} AND o.id = $1' }]` }),
    ],
    words: ['queries.0.params', '0 params are declared'],
  },
  {
    name: 'workload mix unknown query',
    args: ['run', '--scenario', workload('w-mixq', '{ mix: { nosuch: 1 } }')],
    words: ['workload.mix', 'nosuch'],
  },
  {
    name: 'workload mix weight negative',
    args: ['run', '--scenario', workload('w-mixn', '{ mix: { point-lookup: -1 } }')],
    words: ['workload.mix'],
  },
  {
    name: 'workload mix weights sum 0',
    args: ['run', '--scenario', workload('w-mix0', '{ mix: { point-lookup: 0 } }')],
    words: ['workload.mix'],
  },
  { name: 'workload unknown field', args: ['run', '--scenario', workload('w-field', '{ threads: 4 }')], words: ['threads'] },
  {
    name: 'workload tenant choice unknown',
    args: ['run', '--scenario', workload('w-tc', '{ tenantChoice: { kind: random } }')],
    words: ['workload.tenantChoice'],
  },
  {
    name: 'workload hot share above 1',
    args: ['run', '--scenario', workload('w-hot', '{ tenantChoice: { kind: hot, share: 2 } }')],
    words: ['workload.tenantChoice'],
  },
  {
    name: 'workload hot tenant not a tenant',
    args: ['run', '--scenario', workload('w-hott', '{ tenantChoice: { kind: hot, share: 0.5, tenant: t0042 } }')],
    words: ['t0042'],
  },
  {
    name: 'noisy neighbour not a tenant',
    args: ['run', '--scenario', workload('w-noisy', '{ noisyNeighbour: { tenant: t0042 } }')],
    words: ['t0042'],
  },
  {
    name: 'sweep limits with a memory share above 1',
    args: ['all', '--scenario', scenario('s-limits', { sweep: '{ tenants: [2], limits: { memoryShareOfRam: 2 } }' })],
    words: ['sweep.limits.memoryShareOfRam'],
  },
  {
    name: 'rate sweep with text rates',
    args: ['run', '--scenario', scenario('r-rates', { rateSweep: '{ rates: [a] }' })],
    words: ['rateSweep'],
  },
  {
    name: 'headline reference query not in the mix',
    args: [
      'all',
      '--scenario',
      scenario('h-refq', {
        workload: '{ mix: { recent-orders: 1 } }',
        headline: '{ calibrate: { rates: [10, 20] }, reference: { queries: [order-report] } }',
      }),
    ],
    words: ['headline.reference.queries', 'order-report', 'allowed: recent-orders'],
  },
  {
    name: 'headline reference tool unknown',
    args: ['all', '--scenario', scenario('h-reft', { headline: '{ calibrate: { rates: [10, 20] }, reference: { tool: wrk2 } }' })],
    words: ['headline.reference.tool', 'pgbench'],
  },
  {
    name: 'warm until stable with one window',
    args: ['run', '--scenario', workload('w-warm1', '{ warmUntilStable: { maxWindows: 1 } }')],
    words: ['workload.warmUntilStable.maxWindows'],
  },
  {
    name: 'warm until stable bound not positive',
    args: ['run', '--scenario', workload('w-warm0', '{ warmUntilStable: { stableWithinPoints: 0 } }')],
    words: ['workload.warmUntilStable.stableWithinPoints'],
  },
];

const results = new Map<string, { run: CliRun; tmp: string; res: string }>();

before(async () => {
  // A few children at once: each is a Node start-up plus a parse, no server.
  let next = 0;
  const worker = async () => {
    while (next < rows.length) {
      const row = rows[next++]!;
      const tmp = join(ROOT, `tmp-${next}`);
      const res = join(ROOT, `res-${next}`);
      mkdirSync(tmp);
      // Every command that writes results gets an empty results folder of its own unless the row sets one.
      const writes = ['seed', 'run', 'verify', 'migrate', 'backup', 'operations', 'all'].includes(row.args[0] ?? '');
      const args = writes && !row.args.includes('--results-dir') ? [...row.args, '--results-dir', res] : row.args;
      const run = await runCli(args, { env: { TMPDIR: tmp }, timeoutMs: 60_000 });
      results.set(row.name, { run, tmp, res });
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
});

describe(`bad input: ${rows.length} cases, each exit 2 naming the problem, nothing started`, () => {
  assert.ok(rows.length >= 100, `${rows.length} rows`);
  assert.equal(new Set(rows.map((r) => r.name)).size, rows.length, 'row names are unique');
  for (const row of rows) {
    it(row.name, () => {
      const r = results.get(row.name);
      assert.ok(r, 'ran');
      const { run, tmp, res } = r;
      assert.equal(run.code, row.code ?? 2, `exit code\n${run.stdout}\n${run.stderr}`);
      for (const w of row.words) {
        if (typeof w === 'string') assert.ok(run.stderr.includes(w), `stderr lacks "${w}":\n${run.stderr}`);
        else assert.match(run.stderr, w);
      }
      assert.doesNotMatch(run.stderr, /\n\s+at .*\.js:\d+/, 'no stack trace');
      assert.deepEqual(readdirSync(tmp), [], 'no embedded cluster directory created');
      assert.deepEqual(processesMentioning(tmp), [], 'no process started');
      assert.ok(!existsSync(res) || readdirSync(res).length === 0, 'no results bundle written');
      assert.doesNotMatch(run.stdout + run.stderr, /results gathered so far/);
    });
  }
});
