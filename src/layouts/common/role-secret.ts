import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Target } from '../../target/target.js';

/**
 * The secret application-role passwords are derived from (makeNaming): random, made once per
 * target and stored where only the harness's user can read it, so later commands against the same
 * target (`verify --seeded`, `run --pg-data`, `--database-url`) find the same passwords, and nobody
 * can compute them from public information (the harness's source, the admin's user name).
 *
 * - `TENANTBENCH_ROLE_SECRET` (environment): the user's own secret, used as is.
 * - An embedded cluster: `<cluster dir>/role-secret` (mode 0600, next to its `admin-password`).
 * - Any other server (`--database-url`, testcontainers): one entry per server (user@host:port) in
 *   the state file `TENANTBENCH_STATE_FILE`, by default `$XDG_STATE_HOME/tenantbench/role-secrets.json`
 *   (`~/.local/state/...`), mode 0600. Never printed.
 */
export function roleSecretFor(target: Target): string {
  const own = process.env.TENANTBENCH_ROLE_SECRET;
  if (own) return own;
  const primary = (target as { primary?: Target }).primary ?? target;
  const baseDir = (primary as { baseDir?: unknown }).baseDir;
  if (primary.kind === 'embedded' && typeof baseDir === 'string') return clusterSecret(join(baseDir, ROLE_SECRET_FILE));
  const { user, host, port } = primary.admin;
  return stateFileSecret(roleStateFile(), `${user}@${host}:${port}`);
}

export const ROLE_SECRET_FILE = 'role-secret';

/** The state file of `--database-url` targets' role secrets. */
export function roleStateFile(): string {
  if (process.env.TENANTBENCH_STATE_FILE) return process.env.TENANTBENCH_STATE_FILE;
  const base = process.env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(base, 'tenantbench', 'role-secrets.json');
}

const fresh = () => randomBytes(32).toString('base64url');

function clusterSecret(file: string): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = fresh();
  try {
    writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    // Another process of the harness wrote it first: use theirs.
    if ((err as { code?: string }).code === 'EEXIST') return readFileSync(file, 'utf8').trim();
    throw err;
  }
  return secret;
}

function stateFileSecret(file: string, key: string): string {
  const all: Record<string, string> = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {};
  const found = all[key];
  if (typeof found === 'string' && found) return found;
  all[key] = fresh();
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  // Written aside and renamed: a concurrent reader never sees half a file.
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
  return all[key]!;
}
