import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { summarySchema } from './summary-schema.js';
import { SCHEMA_FILE, schemaText } from './write-schema.js';

describe('summary.json schema', () => {
  it('the JSON Schema kept in the repository matches the code (run `npm run schema` after a change)', () => {
    assert.equal(readFileSync(SCHEMA_FILE, 'utf8'), schemaText());
  });

  it('keeps a workload section instead of stripping it, and rejects a malformed one', () => {
    const base = {
      schemaVersion: 1,
      runId: 'r',
      command: 'run',
      status: 'ok',
      error: null,
      startedAt: 'x',
      finishedAt: null,
      scenario: { name: 's', tenants: 1, rows: 1, seed: 1, sizes: {}, layouts: ['shared'] },
      target: { kind: 'embedded', serverVersion: null },
      dataset: { checksum: null, identicalAcrossLayouts: null, layoutsCompared: [], mismatches: [], tenants: [] },
      layouts: {},
    };
    const workload = {
      schemaVersion: 1,
      config: {
        mix: { 'point-lookup': 1 },
        mode: 'closed',
        users: 1,
        thinkMs: 0,
        ratePerS: null,
        arrival: null,
        warmupSeconds: 0,
        durationSeconds: 1,
        repeats: 1,
        tenantChoice: { kind: 'uniform' },
        prepared: true,
        explicitTenantFilter: false,
        lateMs: 10,
        maxEventLoopLagMs: 50,
      },
      order: [['shared']],
      layouts: {},
    };
    assert.deepEqual(summarySchema.parse({ ...base, workload }).workload, workload);
    assert.throws(() => summarySchema.parse({ ...base, workload: { ...workload, order: 'shared' } }));
    assert.equal(summarySchema.parse(base).workload, undefined);
  });
});
