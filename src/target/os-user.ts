import { readFileSync } from 'node:fs';
import { TargetError } from '../errors.js';

export interface OsUser {
  name: string;
  uid: number;
  gid: number;
}

function lookup(name: string): OsUser | null {
  let passwd = '';
  try {
    passwd = readFileSync('/etc/passwd', 'utf8');
  } catch {
    return null;
  }
  for (const line of passwd.split('\n')) {
    const f = line.split(':');
    if (f[0] === name && f.length >= 4) return { name, uid: Number(f[2]), gid: Number(f[3]) };
  }
  return null;
}

/**
 * PostgreSQL refuses to run as root. When we are root (CI, containers), the server runs as an
 * unprivileged OS user: $TENANTBENCH_PG_OS_USER, else "postgres" if it exists, else "nobody".
 * Returns null when we are not root (the server runs as ourselves).
 */
export function serverOsUser(): OsUser | null {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return null;
  const wanted = process.env.TENANTBENCH_PG_OS_USER;
  const names = wanted ? [wanted] : ['postgres', 'nobody'];
  for (const n of names) {
    const u = lookup(n);
    if (u && u.uid !== 0) return u;
  }
  throw new TargetError(
    `running as root, and no unprivileged OS user to run PostgreSQL as (tried ${names.join(', ')}); set TENANTBENCH_PG_OS_USER to an existing non-root user`,
  );
}
