import { inSession, observation, rowId, UNUSED_ID } from '../probe-kit.js';
import type { Attempt, Script } from '../probe-kit.js';
import { ownerOf } from '../probe.js';
import type { Probe, ProbeEnv } from '../probe.js';

function insertOrder(s: Script, env: ProbeEnv, id: number, customerId: number): Promise<Attempt> {
  const cols = env.pooled ? 'tenant_id, ' : '';
  const vals = env.pooled ? '$3, ' : '';
  return s.try(
    `INSERT INTO orders (${cols}id, customer_id, status, total, currency, created_at, metadata) VALUES (${vals}$1, $2, 'pending', 0, 'USD', now(), '{}')`,
    [id, customerId, ...(env.pooled ? [env.self.id] : [])],
  );
}

const outcomeText = (a: Attempt) => (a.ok ? 'accepted' : `refused ${a.sqlstate}`);

/**
 * Side channel: a foreign key check runs without the row level security of the referenced table.
 * If referencing another tenant's existing customer id behaves differently from referencing an id
 * nobody has, the error (or its absence) tells the tenant that the other tenant's row exists.
 */
export const fkExistenceOracle: Probe = {
  id: 'fk-existence-oracle',
  description: "foreign key pointing at another tenant's row: does the answer reveal that it exists?",
  appliesTo: () => true,
  run: (env) =>
    inSession(env.router, env.self, async (s) => {
      const target = rowId(env.victim, 'customers');
      const existing = await insertOrder(s, env, UNUSED_ID + 10, target);
      const missing = await insertOrder(s, env, UNUSED_ID + 11, UNUSED_ID + 12);
      const differ = existing.ok !== missing.ok || (!existing.ok && !missing.ok && existing.sqlstate !== missing.sqlstate);
      const foreign = ownerOf(env.ctx, 'customers', { id: target }) !== env.self.slug;
      const detail = `reference to ${env.victim.slug}'s customer ${target}: ${outcomeText(existing)}; to an id nobody has: ${outcomeText(missing)}`;
      const expected = 'the same answer for an existing foreign id and a missing id (no existence oracle)';
      if (differ && foreign)
        return observation('finding', s.sql, expected, {
          rowsSeen: 0,
          detail: `${detail}: the other tenant's id is revealed to exist${existing.ok ? ' and can be referenced' : ''}`,
        });
      return observation('blocked', s.sql, expected, {
        rowsSeen: 0,
        sqlstate: existing.ok ? undefined : (existing.sqlstate ?? undefined),
        detail,
      });
    }),
};
