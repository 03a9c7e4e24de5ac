/**
 * pgbench as the reference load generator (DESIGN: "pgbench on the same SQL is the reference to
 * check against"): scripts generated from the same query registry, run at the same rate and
 * connections, its per-transaction log read into the same HdrHistograms.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TenantPlan } from '../../seed/tenant-plan.js';
import { hash32, mulberry32 } from '../../seed/prng.js';
import type { MixQuery } from './compiled-mix.js';
import { addPgbenchLog, emptyPgbenchLog } from './pgbench-log.js';
import type { PgbenchLog } from './pgbench-log.js';
import type { SqlShape } from './workload-query.js';
import { registerCleanup } from '../lifecycle.js';
import { stopChild } from '../target/stop-child.js';

export interface PgbenchScript {
  /** Script text: BEGIN, the tenant context, the query with one drawn parameter set, END. */
  text: string;
  /** pgbench -f file@weight. */
  weight: number;
  query: string;
  tenant: string;
}

export interface ScriptSet {
  scripts: PgbenchScript[];
  /** Queries of the mix pgbench cannot express, with why: reported, never skipped silently. */
  notExpressible: { query: string; reason: string }[];
}

/** Integer weights per script: 128 scripts x 10^6 stay below pgbench's INT_MAX total. */
const WEIGHT_SCALE = 1_000_000;

/** pgbench accepts at most 128 scripts (-f) per run. */
export const PGBENCH_MAX_SCRIPTS = 128;

/**
 * A parameter as an SQL literal pgbench leaves alone: in -M prepared, pgbench turns every
 * `:name` (digits included) into a parameter, so a ':' inside a literal (a timestamp's
 * "10:20:30") is written as \x3a in an E'' string. Numbers and booleans stay bare.
 */
export function pgbenchLiteral(v: unknown): string | null {
  if (v === null) return 'NULL';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : null;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v !== 'string') return null;
  if (!v.includes(':') && !v.includes('\\')) return `'${v.replace(/'/g, "''")}'`;
  return `E'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/:/g, '\\x3a')}'`;
}

/**
 * One script per (tenant, query, variant): the query's text for the layout's shape with one set
 * of parameters drawn from the query's own generator (pgbench cannot call it per transaction;
 * `variants` sets per tenant stand for the distribution). Weights: the query's mix weight times the
 * tenant's share. At most PGBENCH_MAX_SCRIPTS scripts: fewer variants when there are many tenants.
 */
export function pgbenchScripts(o: {
  queries: readonly MixQuery[];
  weights: readonly number[];
  tenants: readonly { tenant: TenantPlan; share: number }[];
  shape: (t: TenantPlan) => SqlShape;
  contextSql: (t: TenantPlan) => string;
  variants: number;
  seed: number;
}): ScriptSet {
  const notExpressible: ScriptSet['notExpressible'] = [];
  const usable: number[] = [];
  for (const q of o.queries) {
    if (q.query.writes) {
      notExpressible.push({
        query: q.name,
        reason:
          'it writes rows whose ids the harness hands out per run (unique over all tenants); a fixed pgbench script would repeat them',
      });
    } else usable.push(q.index);
  }
  const perTenant = Math.max(1, usable.length);
  const variants = Math.max(1, Math.min(o.variants, Math.floor(PGBENCH_MAX_SCRIPTS / Math.max(1, o.tenants.length * perTenant))));
  if (o.tenants.length * perTenant > PGBENCH_MAX_SCRIPTS) {
    throw new Error(`pgbench takes at most ${PGBENCH_MAX_SCRIPTS} scripts: ${o.tenants.length} tenants x ${perTenant} queries is too many`);
  }
  const scripts: PgbenchScript[] = [];
  const noIds = {
    next: (): number => {
      throw new Error('no ids');
    },
  };
  for (const i of usable) {
    const q = o.queries[i]!;
    for (const { tenant, share } of o.tenants) {
      const shape = o.shape(tenant);
      const { text, tenantParam } = q.query.sql(shape);
      const rnd = mulberry32(hash32(o.seed, 0x9b, tenant.index, i));
      for (let v = 0; v < variants; v++) {
        const values = q.query.params(tenant, rnd, noIds);
        if (tenantParam) values.push(tenant.id);
        const lits = values.map(pgbenchLiteral);
        const bad = lits.indexOf(null);
        if (bad >= 0) {
          notExpressible.push({ query: q.name, reason: `parameter $${bad + 1} (${typeof values[bad]}) has no SQL literal form` });
          break;
        }
        // Highest placeholder first so $1 does not eat the prefix of $10.
        let sql = text;
        for (let k = lits.length; k >= 1; k--) sql = sql.split(`$${k}`).join(lits[k - 1]!);
        const ctx = o.contextSql(tenant).trim();
        scripts.push({
          text: `BEGIN;\n${ctx ? `${ctx.replace(/;?\s*$/, ';')}\n` : ''}${sql.replace(/\s+/g, ' ').trim()};\nEND;\n`,
          // 10^6 resolution: a tenant's share of a query stays close to the chooser's (pgbench weights are integers).
          weight: Math.max(1, Math.round(((o.weights[i] ?? 1) * share * WEIGHT_SCALE) / variants)),
          query: q.name,
          tenant: tenant.slug,
        });
      }
    }
  }
  return { scripts, notExpressible: dedupe(notExpressible) };
}

function dedupe(xs: ScriptSet['notExpressible']): ScriptSet['notExpressible'] {
  const seen = new Set<string>();
  return xs.filter((x) => !seen.has(x.query) && seen.add(x.query));
}

export interface PgbenchRun {
  pgbench: string;
  host: string;
  port: number;
  user: string;
  /** Given to pgbench as PGPASSWORD only: never on its command line, never logged. */
  password: string;
  database: string;
  scripts: readonly PgbenchScript[];
  clients: number;
  /** pgbench threads (-j). */
  threads: number;
  seconds: number;
  /** Offered transactions per second (--rate, Poisson like pgbench's own); null = as fast as it can (closed loop). */
  ratePerS: number | null;
  /** Completions before the last `seconds` of the run are left out (one pgbench run, warm-up inside). */
  warmupSeconds: number;
  workDir: string;
  /** -M: prepared (named statements, the workload's default) or extended (unnamed, parsed every time). */
  queryMode?: 'prepared' | 'extended';
}

export interface PgbenchResult {
  log: PgbenchLog;
  /** Completed transactions per second over the measured part. */
  tps: number;
  /** Seconds the measured part spans (the last `seconds` of the run). */
  measuredSeconds: number;
  /** pgbench's own summary lines (its tps, latency average) for the record. */
  stdout: string;
  /** pgbench ended with a non-zero status but wrote transactions (a client aborted): its last stderr lines. */
  warning: string | null;
}

/**
 * Run pgbench once with a per-transaction log. The measured part is the last `seconds` before its
 * last completion (-T counts whole seconds from after its connections are open; the rest is
 * warm-up). Throws with its stderr when it fails without completing a transaction. Stopped with
 * the harness (Ctrl-C, failure): it is a child this process owns.
 */
export async function runPgbench(o: PgbenchRun): Promise<PgbenchResult> {
  mkdirSync(o.workDir, { recursive: true });
  const files = o.scripts.map((s, i) => {
    const f = join(o.workDir, `script-${i}.sql`);
    writeFileSync(f, s.text);
    return ['-f', `${f}@${s.weight}`];
  });
  const logDir = join(o.workDir, `log-${Date.now()}`);
  mkdirSync(logDir);
  const args = [
    '-n',
    '-M',
    o.queryMode ?? 'prepared',
    '-c',
    String(o.clients),
    '-j',
    String(Math.max(1, Math.min(o.threads, o.clients))),
    '-h',
    o.host,
    '-p',
    String(o.port),
    '-U',
    o.user,
    ...files.flat(),
    '-T',
    String(Math.ceil(o.warmupSeconds + o.seconds)),
    ...(o.ratePerS !== null ? ['--rate', String(o.ratePerS)] : []),
    '-l',
    '--log-prefix',
    join(logDir, 'pgbench'),
    o.database,
  ];
  const { code, signal, stdout, stderr } = await new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>((resolve, reject) => {
    const child = spawn(o.pgbench, args, {
      env: { ...process.env, PGPASSWORD: o.password, PGAPPNAME: 'tenantbench-pgbench' },
      cwd: o.workDir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const unregister = registerCleanup({
      name: `pgbench ${child.pid}`,
      cleanup: () => stopChild(child, 'SIGTERM', [['SIGKILL', 2000]]),
      emergency: () => {
        child.kill('SIGKILL');
      },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('error', (e) => {
      unregister();
      reject(e);
    });
    child.on('close', (c, sig) => {
      unregister();
      resolve({ code: c, signal: sig, stdout: out, stderr: err });
    });
  });
  // Stopped (Ctrl-C, the harness failing): what it logged is a cut-off run, not a measurement.
  if (signal) throw new Error(`pgbench stopped by ${signal}`);
  const texts = readdirSync(logDir).map((f) => readFileSync(join(logDir, f), 'utf8'));
  const end = Math.max(0, ...texts.map(lastCompletion));
  const tail = stderr.trim().split('\n').slice(-3).join(' / ');
  if (code !== 0 && end === 0) throw new Error(`pgbench exited with ${code}: ${tail}`);
  const log = emptyPgbenchLog();
  const from = end - o.seconds;
  for (const text of texts) addPgbenchLog(log, text, { rate: o.ratePerS !== null, fromEpochS: from });
  return {
    log,
    tps: log.ok / o.seconds,
    measuredSeconds: o.seconds,
    stdout,
    warning: code === 0 ? null : `pgbench exited with ${code}: ${tail}`,
  };
}

/** Epoch seconds of the last transaction a log records (0 when none). */
function lastCompletion(text: string): number {
  let last = 0;
  for (const line of text.split('\n')) {
    const f = line.split(' ');
    const at = Number(f[4]) + Number(f[5]) / 1e6;
    if (f.length >= 6 && Number.isFinite(at) && at > last) last = at;
  }
  return last;
}
