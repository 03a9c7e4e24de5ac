import { inSession, observation, UNUSED_ID } from '../probe-kit.js';
import { ownerOf } from '../probe.js';
import type { Probe } from '../probe.js';
import { ident } from '../../db/sql.js';

/**
 * Side channel: insert an own customer with a value another tenant holds (its email; its id). A
 * unique or primary key that spans tenants answers 23505 and so reveals the value exists, often
 * with the value in the error detail. The other tenant's values are read as admin: the probe plays
 * an attacker who guessed them.
 */
export const uniqueViolationOracle: Probe = {
  id: 'unique-violation-oracle',
  description: "unique / primary key violation revealing another tenant's value",
  appliesTo: () => true,
  async run(env) {
    const sql: string[] = [];
    const victimTable = env.pooled ? 'customers' : `${ident(env.schemaOf(env.victim))}.customers`;
    const known = await env.admin(env.databaseOf(env.victim), async (c) => {
      const r = await c.query<{ id: string; email: string }>(`SELECT id::text, email FROM ${victimTable} WHERE id = $1`, [
        env.victim.idStart.customers,
      ]);
      return r.rows[0] ?? null;
    });
    if (!known) throw new Error(`no customer ${env.victim.idStart.customers} for ${env.victim.slug}`);
    sql.push(`-- as admin (the guessed values): SELECT id, email FROM ${victimTable} WHERE id = ${env.victim.idStart.customers}`);
    return inSession(
      env.router,
      env.self,
      async (s) => {
        const insert = (id: number | string, email: string) =>
          s.try(
            `INSERT INTO customers (${env.pooled ? 'tenant_id, ' : ''}id, name, email, country, segment, created_at, attrs) VALUES (${env.pooled ? '$3, ' : ''}$1, 'tenantbench probe', $2, 'US', 'smb', now(), '{}')`,
            [id, email, ...(env.pooled ? [env.self.id] : [])],
          );
        const byEmail = await insert(UNUSED_ID + 20, known.email);
        const byId = await insert(known.id, `probe.${UNUSED_ID + 21}@tenantbench.invalid`);
        const foreign = ownerOf(env.ctx, 'customers', { id: known.id }) !== env.self.slug;
        const hits = [byEmail, byId].filter((a) => !a.ok && a.sqlstate === '23505') as { message: string }[];
        const expected = "both inserts accepted (keys are per tenant): nothing about the other tenant's values is revealed";
        if (hits.length && foreign) {
          return observation('finding', s.sql, expected, {
            sqlstate: '23505',
            detail: `a key spans tenants: ${hits.map((h) => h.message).join('; ')}`,
          });
        }
        return observation('blocked', s.sql, expected, {
          rowsSeen: 0,
          detail: `email: ${byEmail.ok ? 'accepted' : byEmail.sqlstate}; id: ${byId.ok ? 'accepted' : byId.sqlstate}`,
        });
      },
      sql,
    );
  },
};
