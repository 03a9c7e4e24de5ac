import { createHmac, randomBytes } from 'node:crypto';
import { tryConnect, observation } from '../probe-kit.js';
import type { Probe, ProbeEnv } from '../probe.js';

/**
 * Passwords anyone who knows the harness could try: the old derivation (HMAC of the role name
 * keyed with a public constant and the admin's user name, used when the admin had no password),
 * the role's own name, empty, and the usual defaults.
 */
export function guessablePasswords(env: Pick<ProbeEnv, 'ctx'>, role: string): string[] {
  const derived = (secret: string) => createHmac('sha256', secret).update(`role:${role}`).digest('base64url').slice(0, 24);
  return [derived(`tenantbench:${env.ctx.target.admin.user}`), role, '', 'tenantbench', 'postgres', 'password'];
}

/** The secret of the old derivation: public information only (the broken variant seeds with it). */
export const publicRoleSecret = (adminUser: string) => `tenantbench:${adminUser}`;

/**
 * Log in as the application's role for the tenant with guessable passwords: every attempt must be
 * refused. A random wrong password first: if even that is accepted, the server does not check
 * passwords for this role (trust authentication) and no password can protect it.
 */
export const guessableCredentials: Probe = {
  id: 'guessable-credentials',
  description:
    "log in as the application role with guessable passwords (the old derivation from public information, the role's name, defaults)",
  appliesTo: () => true,
  async run(env) {
    const login = env.login(env.self);
    const role = String(login.user);
    const sql: string[] = [];
    const expected = 'every guessed password refused (28P01)';
    const attempt = async (label: string, password: string) => {
      sql.push(`-- connect as ${role} with ${label}`);
      const r = await tryConnect({ ...login, password });
      if ('client' in r) {
        await r.client.end().catch(() => {});
        return null;
      }
      return r;
    };
    const random = await attempt('a random wrong password', randomBytes(12).toString('base64url'));
    if (random === null)
      return observation('finding', sql, expected, {
        detail: `the server accepts any password for ${role} (trust authentication in pg_hba.conf): credentials are no boundary; require scram-sha-256 for the application roles`,
      });
    const guesses = guessablePasswords(env, role);
    const labels = [
      'the old derivation (public constant + admin user name)',
      'its own name',
      'an empty password',
      'a default',
      'a default',
      'a default',
    ];
    for (const [i, pw] of guesses.entries()) {
      const r = await attempt(labels[i] ?? 'a guess', pw);
      // A password is never printed: the label says which guess it was.
      if (r === null)
        return observation('leaked', sql, expected, {
          detail: `logged in as ${role} with ${labels[i]}: anyone who knows the harness can act as this role (and read what it reads)`,
        });
    }
    return observation('blocked', sql, expected, {
      sqlstate: random.sqlstate ?? undefined,
      detail: `${guesses.length + 1} guesses refused (${random.sqlstate ?? 'error'})`,
    });
  },
};
