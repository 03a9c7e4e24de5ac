import { TENANT_SETTING } from '../../layouts/common/rls-policy.js';
import { USER_SETTING } from '../../layouts/rls/policy-forms.js';
import { inSession, observation } from '../probe-kit.js';
import type { Probe } from '../probe.js';

const COMMANDS: Record<string, string> = { r: 'SELECT', a: 'INSERT', w: 'UPDATE', d: 'DELETE' };

/**
 * The role the application runs as, seen from its own session: superuser or BYPASSRLS defeats
 * every policy; owning a table without FORCE ROW LEVEL SECURITY exempts the owner. In RLS layouts
 * also: every table has RLS enabled and forced, every command is covered by a permissive policy,
 * and the policies read the setting the router sets.
 */
export const roleConfiguration: Probe = {
  id: 'role-configuration',
  description: 'the application role: not superuser, no BYPASSRLS, no table owned without FORCE; RLS on, policies complete',
  appliesTo: () => true,
  run: (env) =>
    inSession(env.router, env.self, async (s) => {
      const failures: string[] = [];
      const findings: string[] = [];
      const roles = await s.run<{ rolname: string; rolsuper: boolean; rolbypassrls: boolean }>(
        'SELECT rolname, rolsuper, rolbypassrls FROM pg_roles WHERE rolname IN (current_user, session_user)',
      );
      for (const r of roles.rows) {
        if (r.rolsuper) failures.push(`${r.rolname} is superuser`);
        if (r.rolbypassrls) failures.push(`${r.rolname} has BYPASSRLS`);
      }
      if (env.rls) {
        const tables = await s.run<{
          t: string;
          rls: boolean;
          force: boolean;
          owned: boolean;
          cmds: string[] | null;
          exprs: string | null;
        }>(
          `SELECT c.oid::regclass::text AS t, c.relrowsecurity AS rls, c.relforcerowsecurity AS force,
                  pg_has_role(current_user, c.relowner, 'USAGE') OR pg_has_role(session_user, c.relowner, 'USAGE') AS owned,
                  (SELECT array_agg(p.polcmd::text) FROM pg_policy p WHERE p.polrelid = c.oid AND p.polpermissive) AS cmds,
                  (SELECT string_agg(coalesce(pg_get_expr(p.polqual, p.polrelid), '') || ' ' || coalesce(pg_get_expr(p.polwithcheck, p.polrelid), ''), ' ')
                     FROM pg_policy p WHERE p.polrelid = c.oid) AS exprs
             FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')`,
        );
        for (const t of tables.rows) {
          if (!t.rls) failures.push(`${t.t}: row level security not enabled`);
          if (t.owned && !t.force)
            failures.push(`${t.t}: owned by the application role without FORCE ROW LEVEL SECURITY (the owner bypasses the policies)`);
          else if (!t.force) findings.push(`${t.t}: no FORCE ROW LEVEL SECURITY`);
          const cmds = new Set(t.cmds ?? []);
          const missing = cmds.has('*') ? [] : Object.keys(COMMANDS).filter((c) => !cmds.has(c));
          if (t.rls && missing.length)
            findings.push(
              `${t.t}: no permissive policy for ${missing.map((c) => COMMANDS[c]).join(', ')} (default deny breaks the application and invites a careless fix)`,
            );
          // The membership form (policy-forms.ts) reads the user the router sets instead of the tenant.
          if (t.rls && ![TENANT_SETTING, USER_SETTING].some((v) => (t.exprs ?? '').includes(v)))
            findings.push(`${t.t}: no policy reads ${TENANT_SETTING} (or ${USER_SETTING}), the settings the router sets`);
        }
      }
      const expected =
        'not superuser, no BYPASSRLS, no table owned without FORCE' +
        (env.rls ? '; RLS enabled and forced, all commands covered by a policy on app.tenant_id' : '');
      const detail = [...failures, ...findings].join('; ') || `roles ${roles.rows.map((r) => r.rolname).join(', ')}: as expected`;
      return observation(failures.length ? 'leaked' : findings.length ? 'finding' : 'blocked', s.sql, expected, { detail });
    }),
};
