/**
 * The backup stage: for each layout, full backups (-Fc and -Fd -j N of every database it owns) and
 * single-tenant backups by every method that applies, each restored into a fresh database and
 * verified by checksum. A backup that was not verified is not reported as ok.
 */
import { rmSync } from 'node:fs';
import type { RunSession } from '../../pipeline/run-session.js';
import type { LayoutName } from '../../config/scenario-schema.js';
import { PartialFailureError, errorMessage } from '../../errors.js';
import type { LayoutContext } from '../../layouts/layout.js';
import { layout as layoutOf } from '../../layouts/registry.js';
import { unitOf } from '../../layouts/unit-of.js';
import { registerCleanup } from '../../lifecycle.js';
import { harnessTempDir } from '../../temp-dir.js';
import type { BackupArtifact, LayoutBackup } from '../../results/backup-schema.js';
import type { TenantPlan } from '../../../seed/tenant-plan.js';
import type { Target } from '../../target/target.js';
import { fullBackup } from './full-backup.js';
import { clientTools } from './pg-tool.js';
import { backupTenant, METHOD_LABEL, methodsFor, restoreTenant } from './tenant-backup.js';
import type { OpsEnv, RlsCopyProbe } from './tenant-backup.js';

export interface BackupOptions {
  /** Tenants backed up one by one (slugs); default: the largest tenant (hybrid: the largest of each tier). */
  tenants?: string[];
  /** -j for pg_dump -Fd and pg_restore. */
  jobs?: number;
  /** Full backups too (default true); the tenant-scale sweep times one tenant only. */
  full?: boolean;
  /** Full backup formats, in order (default both: pg_dump -Fc, then -Fd -j N); `operations: headline` takes -Fc only. */
  fullFormats?: readonly ('custom' | 'directory')[];
  /**
   * Full backups' restores rebuild keys, indexes and foreign keys (default true); false verifies the
   * data only (pg_restore --section=pre-data --section=data, labelled), as `operations: headline` does.
   */
  fullRestoreIndexes?: boolean;
  /** One method per tenant: the first pg_dump that can select it, else the COPY export (default: every method). */
  firstMethodOnly?: boolean;
}

/** A backup failed or did not verify; the other layouts' backups ran and are recorded (exit 1). */
export class BackupFailedError extends PartialFailureError {}

const bySize = (ts: readonly TenantPlan[]) => [...ts].sort((a, b) => b.rows - a.rows || a.index - b.index);

/** The largest tenant of each tier (hybrid: the dedicated tier's, then the pooled tier's). */
export function defaultBackupTenants(layout: LayoutName, ctx: LayoutContext): TenantPlan[] {
  return layoutOf(layout)
    .tiers(ctx)
    .map((tier) => bySize(tier.tenants)[0])
    .filter((t): t is TenantPlan => !!t);
}

function tenantsFor(layout: LayoutName, ctx: LayoutContext, slugs?: string[]): TenantPlan[] {
  if (!slugs?.length) return defaultBackupTenants(layout, ctx);
  return slugs.map((s) => {
    const t = ctx.plan.tenants.find((x) => x.slug === s);
    if (!t) throw new Error(`--tenant ${s}: no such tenant (t0001..t${String(ctx.plan.tenants.length).padStart(4, '0')})`);
    return t;
  });
}

export async function backupLayout(
  s: { ctx: LayoutContext; target: Target },
  layout: LayoutName,
  opts: BackupOptions = {},
): Promise<LayoutBackup> {
  const { ctx } = s;
  const jobs = opts.jobs ?? 2;
  const tools = clientTools(s.target, ctx.serverVersionNum);
  if ('reason' in tools) {
    return { status: 'not measured', reason: `not measured: ${tools.reason}`, pgDump: null, jobs, copyFromUnderRls: null, artifacts: [] };
  }
  const env: OpsEnv = { ctx, tools, jobs };
  // Inside the harness's temporary root, which the watchdog removes even after a SIGKILL (temp-dir.ts).
  const dir = harnessTempDir('backup-');
  const unregister = registerCleanup({
    name: `backup dir ${dir}`,
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    emergency: () => rmSync(dir, { recursive: true, force: true }),
  });
  const artifacts: BackupArtifact[] = [];
  let probe: RlsCopyProbe | null = null;
  try {
    const impl = layoutOf(layout);
    const units = impl.tableUnits(ctx);
    const dbs = impl.databases(ctx);
    if (opts.full !== false) {
      for (const format of opts.fullFormats ?? (['custom', 'directory'] as const))
        artifacts.push(await fullBackup(env, dbs, units, format, dir, { indexes: opts.fullRestoreIndexes ?? true }));
    }
    for (const tenant of tenantsFor(layout, ctx, opts.tenants)) {
      const unit = unitOf(impl, ctx, tenant.slug);
      const all = methodsFor(unit);
      for (const method of opts.firstMethodOnly ? [all.find((m) => m !== 'copy-export') ?? all[0]!] : all) {
        const a: BackupArtifact = {
          scope: 'tenant',
          method: METHOD_LABEL[method],
          tenant: tenant.slug,
          status: 'failed',
          reason: null,
          databases: 1,
          seconds: null,
          bytes: null,
          restore: null,
        };
        artifacts.push(a);
        try {
          const b = await backupTenant(env, unit, tenant, method, dir);
          a.seconds = b.seconds;
          a.bytes = b.bytes;
          a.restore = await restoreTenant(env, b, method === 'copy-export' && unit.rlsRole && !probe ? (p) => (probe = p) : undefined);
          a.status = a.restore.status;
          a.reason = a.restore.error;
        } catch (err) {
          a.reason = errorMessage(err);
        }
      }
      if (unit.pooled && !unit.rlsRole && !opts.firstMethodOnly) {
        artifacts.push({
          scope: 'tenant',
          method: 'pg_dump --enable-row-security',
          tenant: tenant.slug,
          status: 'not measured',
          reason: "this layout has no row level security, so pg_dump cannot filter a tenant's rows (see the COPY export)",
          databases: 1,
          seconds: null,
          bytes: null,
          restore: null,
        });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    unregister();
  }
  const failed = artifacts.filter((a) => a.status === 'failed');
  return {
    status: failed.length ? 'failed' : 'ok',
    reason: failed.length ? failed.map((a) => `${a.method}${a.tenant ? ` (${a.tenant})` : ''}: ${a.reason}`).join('; ') : null,
    pgDump: tools.description,
    jobs,
    copyFromUnderRls: probe,
    artifacts,
  };
}

export async function backupStage(s: RunSession, opts: BackupOptions = {}): Promise<void> {
  const failures: string[] = [];
  for (const name of s.layouts) {
    const b = await backupLayout(s, name, opts);
    s.summary.layouts[name]!.backup = b;
    s.flush();
    if (b.status === 'failed') failures.push(`${name}: ${b.reason}`);
    const line = b.artifacts
      .map(
        (a) =>
          `${a.method}${a.tenant ? ` ${a.tenant}` : ''}: ${a.status}${a.seconds !== null ? ` ${a.seconds.toFixed(2)} s` : ''}${a.bytes !== null ? ` ${a.bytes} B` : ''}${a.restore?.seconds != null ? `, restore ${a.restore.seconds.toFixed(2)} s` : ''}`,
      )
      .join('; ');
    s.out(`${name}: backup ${b.status}${b.reason && b.status !== 'ok' ? ` (${b.reason})` : ''}: ${line}`);
  }
  if (failures.length) throw new BackupFailedError(`backup failed: ${failures.join('; ')}`);
}
