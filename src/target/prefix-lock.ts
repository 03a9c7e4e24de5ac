/**
 * Two runs with the same --prefix on one server would create, drop and seed the same databases
 * and roles at once and fail with a raw unique violation (23505 on pg_database or pg_authid). A
 * session-level advisory lock on the server, keyed by the prefix and held for the whole command,
 * makes the second run stop at once with a clear error instead. Only servers we did not start need
 * it: an embedded server belongs to one command.
 */
import { connect } from '../db/client.js';
import { TargetError } from '../errors.js';
import type { Target } from './target.js';

/** Advisory lock class id (first key) for tenantbench prefixes: "tb" in ASCII. */
const LOCK_CLASS = 0x7462;

export interface PrefixLock {
  release(): Promise<void>;
}

export async function lockPrefix(target: Target, prefix: string): Promise<PrefixLock> {
  if (target.kind !== 'url') return { release: async () => {} };
  // A lost lock connection must not crash the process; the run's own connections report the outage.
  const c = await connect(target.config(target.admin.database), { ignoreIdleErrors: true });
  let ok = false;
  try {
    const r = await c.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked', [LOCK_CLASS, prefix]);
    ok = r.rows[0]?.locked === true;
  } finally {
    if (!ok) await c.end().catch(() => {});
  }
  if (!ok) {
    throw new TargetError(
      `another tenantbench run is using --prefix ${prefix} on ${target.admin.host}:${target.admin.port}: ` +
        'wait for it to finish, or give this run a different --prefix',
    );
  }
  return { release: () => c.end().catch(() => {}) };
}
