/**
 * The verifier verifies itself: every deliberately broken variant is flagged (a leak, or a
 * finding its healthy layout does not have), and the healthy baselines leak nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EmbeddedTarget } from '../src/target/embedded-target.js';
import { BROKEN_VARIANTS } from '../src/verify/broken-variants.js';
import { flagsOf, runSelfTest } from '../src/verify/self-test.js';
import type { SelfTestResult } from '../src/verify/self-test.js';

let target: EmbeddedTarget;
let result: SelfTestResult;

before(async () => {
  target = await EmbeddedTarget.start({ profile: 'test' });
  result = await runSelfTest({ target, serverVersionNum: 150000, prefix: 'tbs' });
});

after(async () => {
  await target?.stop();
});

describe('verify --self-test', () => {
  it('runs every broken variant', () => {
    assert.deepEqual(
      result.variants.map((v) => v.id),
      BROKEN_VARIANTS.map((v) => v.id),
    );
  });

  it('finds no leak in the healthy baselines', () => {
    for (const b of result.baselines) {
      assert.equal(
        b.leaked,
        0,
        `${b.layout}: ${b.probes
          .filter((p) => p.outcome === 'leaked')
          .map((p) => `${p.id}: ${p.observed.detail}`)
          .join('; ')}`,
      );
    }
  });

  for (const v of BROKEN_VARIANTS) {
    it(`flags ${v.id}`, () => {
      const r = result.variants.find((x) => x.id === v.id)!;
      console.log(v.id, JSON.stringify(r.flaggedBy.map((f) => `${f.probe}=${f.outcome}`)));
      assert.equal(r.flagged, true, `${v.id} passed every probe: verifier bug`);
    });
  }

  it('names the probes that must catch each variant', () => {
    const by = (id: string) => new Set(result.variants.find((x) => x.id === id)!.flaggedBy.map((f) => `${f.probe}=${f.outcome}`));
    // The specific evidence each break must produce, so a variant flagged "by accident" does not count.
    assert.ok(by('rls-missing-command-policy').has('delete-other-tenant=finding'));
    assert.ok(by('rls-missing-command-policy').has('role-configuration=finding'));
    assert.ok(by('rls-wrong-setting').has('read-by-id=finding'));
    assert.ok(by('rls-wrong-setting').has('role-configuration=finding'));
    assert.ok(by('rls-owner-without-force').has('read-by-scan=leaked'));
    assert.ok(by('rls-owner-without-force').has('role-configuration=leaked'));
    assert.ok(by('rls-bypassrls').has('read-by-id=leaked'));
    assert.ok(by('rls-bypassrls').has('role-configuration=leaked'));
    assert.ok(by('schema-usage-public').has('schema-qualified-name=finding'));
    assert.ok(by('schema-tenant-role-membership').has('switch-tenant-context=finding'));
    assert.ok(by('schema-tenant-role-membership').has('cancel-other-tenant=finding'));
    assert.ok(by('database-connect-public').has('connect-other-database=leaked'));
    assert.ok(by('pool-session-set').has('pooled-session-residue=leaked'));
    assert.ok(by('pool-no-reset').has('pooled-session-residue=leaked') || by('pool-no-reset').has('pool-residue-setting=finding'));
    for (const kind of ['setting', 'prepared-statement', 'advisory-lock', 'listen'])
      assert.ok(by('pool-no-reset').has(`pool-residue-${kind}=finding`), `pool-no-reset: pool-residue-${kind}`);
    assert.ok(by('pool-no-reset').has('pool-residue-cursor-with-hold=leaked'));
    assert.ok(by('derivable-passwords').has('guessable-credentials=leaked'));
    assert.ok(by('pool-temp-no-reset').has('pool-residue-temp-table=leaked'));
    assert.ok(by('pool-temp-no-reset').has('pool-residue-temp-view=leaked'));
    assert.ok(by('pool-temp-no-reset').has('pool-residue-temp-function=finding'));
    assert.ok(by('pool-temp-no-reset').has('pool-residue-temp-sequence=finding'));
    assert.equal(result.allFlagged, true);
  });

  it('does not count a variant that changes nothing as flagged (that would be a verifier bug)', async () => {
    const rls = result.baselines.find((b) => b.layout === 'rls')!;
    assert.deepEqual(flagsOf(rls.probes, rls.probes), []);
    const noop = await runSelfTest({
      target,
      serverVersionNum: 150000,
      prefix: 'tbn',
      variants: [{ id: 'noop', layout: 'rls', onBaseline: true, description: 'breaks nothing', apply: async () => ({}) }],
    });
    assert.equal(noop.variants[0]!.flagged, false);
    assert.equal(noop.allFlagged, false);
  });
});
