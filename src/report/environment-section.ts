/**
 * Environment: where these numbers were measured (scenario, server and its settings, machine, harness, CPU sharing).
 */
import type { Summary } from '../results/summary-schema.js';
import type { EnvironmentFile } from './load-results.js';
import { NOT_MEASURED } from './not-measured.js';
import type { Section, Table } from './section.js';

export function environmentSection(s: Summary, env: EnvironmentFile | null): Section {
  const ds = s.dataset;
  const settings = env?.server?.settings ?? {};
  const setting = (k: string) =>
    settings[k] ? `${settings[k]!.value}${settings[k]!.unit ? ` (${settings[k]!.unit})` : ''}` : NOT_MEASURED;
  const table: Table = {
    id: 'environment',
    title: 'Environment',
    description: 'Where these numbers were measured.',
    columns: [
      { key: 'key', label: 'what' },
      { key: 'value', label: 'value' },
    ],
    rows: [
      {
        key: 'scenario',
        value: `${s.scenario.name}: ${s.scenario.tenants} tenants, ${s.scenario.rows} rows, sizes ${String(s.scenario.sizes.kind)}, seed ${s.scenario.seed}`,
      },
      { key: 'PostgreSQL', value: env?.server?.version ?? s.target.serverVersion ?? NOT_MEASURED },
      { key: 'target', value: env?.target?.description ?? s.target.kind },
      {
        key: 'machine',
        value: env?.machine
          ? `${env.machine.cpus} CPUs (${env.machine.cpuModel}), ${((env.machine.memoryBytes ?? 0) / 2 ** 30).toFixed(1)} GiB, ${env.machine.platform} ${env.machine.release}`
          : NOT_MEASURED,
      },
      {
        key: 'harness',
        value: env?.harness
          ? `tenantbench ${env.harness.version} (${env.harness.gitCommit?.slice(0, 12) ?? 'no git commit'}${env.harness.gitDirty ? ', uncommitted changes' : ''}), Node ${env.harness.node}`
          : NOT_MEASURED,
      },
      {
        key: 'CPU sharing',
        value: env?.scheduler
          ? `load average at start ${env.scheduler.loadAverage?.join(' / ') ?? '?'} (1/5/15 min); autogroup scheduling ${env.scheduler.autogroup === null ? 'absent' : env.scheduler.autogroup ? `on, harness group nice ${env.scheduler.harnessAutogroupNice ?? '?'}` : 'not in effect for the harness (switched off, or the harness runs in a cgroup task group)'}${env.scheduler.warning ? ` (warning: ${env.scheduler.warning})` : ''}`
          : NOT_MEASURED,
      },
      ...[
        'shared_buffers',
        'work_mem',
        'maintenance_work_mem',
        'max_connections',
        'max_wal_size',
        'fsync',
        'synchronous_commit',
        'jit',
      ].map((k) => ({ key: k, value: setting(k) })),
      { key: 'dataset checksum', value: ds.checksum ?? NOT_MEASURED },
      { key: 'run', value: `${s.runId}, ${s.command}, status ${s.status}${s.error ? ` (${s.error})` : ''}` },
    ],
    notes: [],
  };

  return { tables: [table], charts: [] };
}
