import { execFileSync } from 'node:child_process';
import { cpus, hostname, loadavg, platform, release, totalmem, availableParallelism } from 'node:os';
import { connect } from '../db/client.js';
import { harnessVersion, packageRoot } from '../paths.js';
import type { Target } from './target.js';
import type { SchedulerInfo } from '../measure/scheduler.js';

export interface Environment {
  capturedAt: string;
  harness: { version: string; gitCommit: string | null; gitDirty: boolean | null; node: string };
  machine: { hostname: string; platform: string; release: string; cpuModel: string; cpus: number; memoryBytes: number };
  target: {
    kind: string;
    description: string;
    binaries: { dir: string; source: string; version: string } | null;
    appliedSettings: Record<string, string>;
  };
  server: { version: string; versionNum: number; settings: Record<string, { value: string; unit: string | null; source: string }> };
  /** How the harness shares the CPU with a server on the same machine (src/measure/scheduler.ts). */
  scheduler: SchedulerInfo & { loadAverage: number[] };
}

/** Settings that matter for the numbers, recorded even when at their defaults. */
const KEY_SETTINGS = [
  'shared_buffers',
  'effective_cache_size',
  'work_mem',
  'maintenance_work_mem',
  'max_connections',
  'max_wal_size',
  'checkpoint_timeout',
  'fsync',
  'synchronous_commit',
  'full_page_writes',
  'wal_level',
  'jit',
  'random_page_cost',
  'max_parallel_workers_per_gather',
  'max_parallel_maintenance_workers',
  'max_locks_per_transaction',
  'autovacuum',
  'huge_pages',
  'wal_compression',
];

function git(args: string[]): string | null {
  try {
    return execFileSync('git', args, { cwd: packageRoot(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

/** What the target and this machine are, plus how the harness shares the CPU (`scheduler`, applied by the caller). */
export async function captureEnvironment(target: Target, scheduler: SchedulerInfo): Promise<Environment> {
  // Without the session settings: a session SET would mark TimeZone and DateStyle as source
  // 'session' in pg_settings, and the capture below would leave them out.
  const c = await connect(target.config(target.admin.database), { sessionSettings: false });
  try {
    const v = await c.query<{ version: string; num: string }>("SELECT version() AS version, current_setting('server_version_num') AS num");
    const s = await c.query<{ name: string; setting: string; unit: string | null; source: string }>(
      `SELECT name, setting, unit, source FROM pg_settings
        WHERE source NOT IN ('default', 'override', 'client', 'session') OR name = ANY($1)
        ORDER BY name`,
      [KEY_SETTINGS],
    );
    const settings: Environment['server']['settings'] = {};
    for (const r of s.rows) {
      // Never record credentials or per-run paths as "settings".
      if (/password|ssl_|_file$|^data_directory$|^config_file$/.test(r.name)) continue;
      settings[r.name] = { value: r.setting, unit: r.unit, source: r.source };
    }
    const status = git(['status', '--porcelain']);
    return {
      capturedAt: new Date().toISOString(),
      harness: {
        version: harnessVersion(),
        gitCommit: git(['rev-parse', 'HEAD']),
        gitDirty: status === null ? null : status.length > 0,
        node: process.version,
      },
      machine: {
        hostname: hostname(),
        platform: platform(),
        release: release(),
        cpuModel: cpus()[0]?.model ?? 'unknown',
        cpus: availableParallelism(),
        memoryBytes: totalmem(),
      },
      target: {
        kind: target.kind,
        description: target.description,
        binaries: target.binaries
          ? { dir: target.binaries.binDir, source: target.binaries.source, version: target.binaries.version }
          : null,
        appliedSettings: { ...target.appliedSettings },
      },
      server: { version: v.rows[0]!.version, versionNum: Number(v.rows[0]!.num), settings },
      scheduler: { ...scheduler, loadAverage: loadavg().map((x) => Math.round(x * 100) / 100) },
    };
  } finally {
    await c.end();
  }
}
