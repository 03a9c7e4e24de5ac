import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConnectionConfig } from '../db/types.js';
import { targetThrough } from '../pooler/pgbouncer.js';
import { clientConfig } from './target.js';
import type { ConnParams, Target } from './target.js';

const admin: ConnParams = { host: '127.0.0.1', port: 5433, user: 'tb_admin', password: 'secret', database: 'postgres' };

describe('target connection configs', () => {
  it('connect as the admin role by default, as the given login otherwise, always named tenantbench', () => {
    const a: ConnectionConfig = clientConfig(admin, 'tb_shared');
    assert.deepEqual(a, {
      host: '127.0.0.1',
      port: 5433,
      user: 'tb_admin',
      password: 'secret',
      database: 'tb_shared',
      application_name: 'tenantbench',
    });
    const b = clientConfig(admin, 'tb_rls', { name: 'tb_rls_app', password: 'pw' });
    assert.equal(b.user, 'tb_rls_app');
    assert.equal(b.password, 'pw');
    assert.equal(b.database, 'tb_rls');
  });

  it('a target seen through PgBouncer changes only where every connection goes', async () => {
    const target: Target = {
      kind: 'url',
      description: 'server',
      admin,
      binaries: null,
      appliedSettings: {},
      config: (db, user) => clientConfig(admin, db, user),
      stop: async () => {},
    };
    const through = targetThrough(target, {
      description: 'PgBouncer',
      redirect: (c) => ({ ...c, host: '127.0.0.2', port: 6432 }),
    });
    const c = through.config('tb_db', { name: 'r', password: 'p' });
    assert.deepEqual(c, { ...target.config('tb_db', { name: 'r', password: 'p' }), host: '127.0.0.2', port: 6432 });
    assert.equal(through.admin, admin);
    assert.equal(through.description, 'server, through PgBouncer');
  });
});
