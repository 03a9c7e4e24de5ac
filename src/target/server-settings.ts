import { availableParallelism, totalmem } from 'node:os';

export type SettingsProfile = 'benchmark' | 'test';

export interface Machine {
  memoryBytes: number;
  cpus: number;
}

export function thisMachine(): Machine {
  return { memoryBytes: totalmem(), cpus: availableParallelism() };
}

const MB = 1024 * 1024;
const mb = (bytes: number) => `${Math.max(1, Math.floor(bytes / MB))}MB`;

/**
 * The one place where the embedded server's settings come from; they are recorded in every
 * results bundle (environment.json). Durability stays on in the benchmark profile: numbers must
 * hold for a real server. The test profile trades durability for speed on tiny data.
 */
export function serverSettings(profile: SettingsProfile, machine: Machine = thisMachine()): Record<string, string> {
  const common: Record<string, string> = {
    // Database-per-tenant keeps a pool per tenant database under a global cap (default 200).
    max_connections: '400',
    // pg_dump of a schema-per-tenant database locks every table in one transaction.
    max_locks_per_transaction: '256',
    // Stable plans and timings for short OLTP queries.
    jit: 'off',
    random_page_cost: '1.1',
    effective_io_concurrency: '200',
    track_io_timing: 'on',
    // Server-side execution time per statement (pg_stat_statements, contrib), reported beside the
    // client-side latency: what the server spent, apart from the generator and the network.
    shared_preload_libraries: 'pg_stat_statements',
    timezone: 'UTC',
    log_timezone: 'UTC',
    log_min_messages: 'warning',
    log_checkpoints: 'off',
    max_parallel_maintenance_workers: String(Math.max(1, machine.cpus)),
    max_parallel_workers_per_gather: String(Math.max(1, Math.min(4, machine.cpus))),
  };
  if (profile === 'test') {
    return {
      ...common,
      shared_buffers: '128MB',
      maintenance_work_mem: '256MB',
      work_mem: '8MB',
      fsync: 'off',
      synchronous_commit: 'off',
      full_page_writes: 'off',
      max_wal_size: '2GB',
      autovacuum: 'off',
    };
  }
  return {
    ...common,
    // 25% of RAM (capped at 8 GB) is the usual starting point for a dedicated server.
    shared_buffers: mb(Math.min(machine.memoryBytes * 0.25, 8 * 1024 * MB)),
    effective_cache_size: mb(machine.memoryBytes * 0.5),
    // Index builds after the bulk load: RAM/16, capped at 2 GB.
    maintenance_work_mem: mb(Math.min(machine.memoryBytes / 16, 2048 * MB)),
    work_mem: '16MB',
    // Bulk loads: large WAL so loading does not checkpoint every few seconds.
    max_wal_size: '16GB',
    min_wal_size: '1GB',
    checkpoint_timeout: '30min',
    checkpoint_completion_target: '0.9',
    wal_buffers: '64MB',
    wal_compression: 'on',
  };
}

/** Parse repeated `--pg-setting name=value` flags. */
export function parseSettingOverrides(list: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list) {
    const m = /^([a-z_][a-z0-9_.]*)=(.*)$/i.exec(item);
    if (!m) throw new Error(`--pg-setting "${item}": expected name=value`);
    out[m[1]!] = m[2]!;
  }
  return out;
}
