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
          weight: Math.max(1, Math.round(((o.weights[i] ?? 1) * share * 1000) / variants)),
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
  password: string;
  database: string;
  scripts: readonly PgbenchScript[];
  clients: number;
  /** pgbench threads (-j). */
  threads: number;
  seconds: number;
  /** Offered transactions per second (--rate, Poisson like pgbench's own); null = as fast as it can (closed loop). */
  ratePerS: number | null;
  /** Completions in the first warmupSeconds are left out (one pgbench run, warm-up inside). */
  warmupSeconds: number;
  workDir: string;
}

export interface PgbenchResult {
  log: PgbenchLog;
  /** Completed transactions per second over the measured part. */
  tps: number;
  /** pgbench's own summary lines (its tps, latency average) for the record. */
  stdout: string;
}

/** Run pgbench once with a per-transaction log; throws with its stderr when it fails. */
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
    'prepared',
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
  const startedAt = Date.now() / 1000;
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(o.pgbench, args, { env: { ...process.env, PGPASSWORD: o.password }, cwd: o.workDir });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('error', reject);
    child.on('close', (c) => resolve({ code: c, stdout: out, stderr: err }));
  });
  if (code !== 0) throw new Error(`pgbench exited with ${code}: ${stderr.trim().split('\n').slice(-3).join(' / ')}`);
  const log = emptyPgbenchLog();
  const from = startedAt + o.warmupSeconds;
  for (const f of readdirSync(logDir))
    addPgbenchLog(log, readFileSync(join(logDir, f), 'utf8'), { rate: o.ratePerS !== null, fromEpochS: from });
  const span = Math.max(0.001, Math.min(o.seconds, (log.lastAt ?? from) - from));
  return { log, tps: log.ok / span, stdout };
}
