import { createHmac } from 'node:crypto';
import type { Naming } from '../layout.js';

/**
 * Databases and roles are named `<prefix>_<what>`; application-role passwords are derived with
 * HMAC from a random secret stored privately with the target (role-secret.ts), so later commands
 * can reconnect and nobody can compute a password from public information.
 */
export function makeNaming(prefix: string, roleSecret: string): Naming {
  return {
    prefix,
    db: (suffix) => `${prefix}_${suffix}`,
    role: (suffix) => `${prefix}_${suffix}`,
    password: (role) => createHmac('sha256', roleSecret).update(`role:${role}`).digest('base64url').slice(0, 24),
  };
}
