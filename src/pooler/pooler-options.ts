import type { Command } from 'commander';

/** `--pgbouncer-bin`: for commands that run the workload (used when the scenario has a pooler block). */
export function addPoolerOptions(cmd: Command): Command {
  return cmd
    .option(
      '--pgbouncer-bin <file>',
      'PgBouncer binary for scenarios with a pooler block (default: $TENANTBENCH_PGBOUNCER_BIN, else /usr/sbin/pgbouncer, else PATH)',
    )
    .option(
      '--pgbouncer-address <host:port>',
      "route the pooler scenario through this running PgBouncer (e.g. docker compose's) instead of starting one",
    );
}
