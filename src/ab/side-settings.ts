import { withAdmin } from '../db/client.js';
import { ident, literal } from '../db/sql.js';
import { UsageError, errorMessage } from '../errors.js';
import type { Target } from '../target/target.js';

/**
 * Per-side server settings (`--a-pg-setting`, `--b-pg-setting`) on one server: before each window
 * the side's values are set on the databases the layout uses (ALTER DATABASE ... SET), and the
 * other side's names reset. Each window opens a fresh router, so its connections start with them;
 * RESET ALL on release (the routers' clean-up) goes back to these database defaults, not past them.
 * Only settings a session may change (pg_settings.context user or superuser) can differ: one that
 * needs a restart (postmaster) or a reload (sighup) would have to change for the whole server
 * between windows; it is refused with exit 2 (give it to both sides with --pg-setting, or compare
 * two servers with `compare`).
 */
const PER_SESSION = new Set(['user', 'superuser']);

export async function checkSideSettings(target: Target, sides: Record<string, Record<string, string>>): Promise<void> {
  const names = [...new Set(Object.values(sides).flatMap((s) => Object.keys(s)))];
  if (!names.length) return;
  const rows = await withAdmin(target, target.admin.database, (c) =>
    c.query<{ name: string; context: string }>('SELECT name, context FROM pg_settings WHERE name = ANY($1)', [
      names.map((n) => n.toLowerCase()),
    ]),
  );
  const context = new Map(rows.rows.map((r) => [r.name, r.context]));
  for (const [side, settings] of Object.entries(sides)) {
    for (const [name, value] of Object.entries(settings)) {
      const flag = `--${side.toLowerCase()}-pg-setting`;
      const ctx = context.get(name.toLowerCase());
      if (ctx === undefined)
        throw new UsageError(`${flag} ${name}=${value}: the server has no setting "${name}"`, `${side.toLowerCase()}-pg-setting`);
      if (!PER_SESSION.has(ctx)) {
        throw new UsageError(
          `${flag} ${name}=${value}: "${name}" is a ${ctx}-level setting (it changes for the whole server, by ${ctx === 'sighup' ? 'a reload' : 'a restart'}), ` +
            'so it cannot differ between windows on one server; ab varies only settings a session may change (pg_settings.context user or superuser). ' +
            'Give it to both sides with --pg-setting, or run each variant on its own server and `compare` the bundles',
          `${side.toLowerCase()}-pg-setting`,
        );
      }
    }
  }
}

/** Set `own` on every database in `databases`, resetting the names in `all` that `own` does not set. */
export async function applySideSettings(
  target: Target,
  databases: readonly string[],
  own: Record<string, string>,
  all: readonly string[],
  flag: string,
): Promise<void> {
  if (!all.length) return;
  await withAdmin(target, target.admin.database, async (c) => {
    for (const db of databases) {
      for (const name of all) {
        const value = own[name];
        const sql =
          value === undefined ? `ALTER DATABASE ${ident(db)} RESET ${name}` : `ALTER DATABASE ${ident(db)} SET ${name} = ${literal(value)}`;
        try {
          await c.query(sql);
        } catch (err) {
          // A value the server refuses (a typo, out of range) is bad input, named as given.
          throw value === undefined
            ? err
            : new UsageError(`${flag} ${name}=${value}: refused by the server: ${errorMessage(err)}`, flag.slice(2));
        }
      }
    }
  });
}
