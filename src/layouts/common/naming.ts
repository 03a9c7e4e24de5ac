import { createHmac } from 'node:crypto';
import type { Naming } from '../layout.js';

/**
 * Databases and roles are named `<prefix>_<what>`; application-role passwords are derived from the
 * admin secret with HMAC so later commands can reconnect without storing them anywhere.
 */
export function makeNaming(prefix: string, adminSecret: string): Naming {
  return {
    prefix,
    db: (suffix) => `${prefix}_${suffix}`,
    role: (suffix) => `${prefix}_${suffix}`,
    password: (role) => createHmac('sha256', adminSecret).update(`role:${role}`).digest('base64url').slice(0, 24),
  };
}
