/**
 * The workload tests' fixture: a throwaway embedded server (test profile) with one layout of
 * tinyScenario() seeded. Kept apart from helpers.ts so that test files which do not start a server
 * do not load the layouts and the target.
 */
import type { LayoutName } from '../src/config/scenario-schema.js';
import type { LayoutContext } from '../src/layouts/layout.js';
import { layout as layoutOf } from '../src/layouts/registry.js';
import { makeLayoutContext } from '../src/pipeline/run-session.js';
import { EmbeddedTarget } from '../src/target/embedded-target.js';
import { tinyScenario } from './helpers.js';

export async function startSeeded(layout: LayoutName, prefix: string): Promise<{ target: EmbeddedTarget; ctx: LayoutContext }> {
  const target = await EmbeddedTarget.start({ profile: 'test' });
  try {
    const ctx = makeLayoutContext({ target, scenario: tinyScenario(), prefix, serverVersionNum: 150000 });
    await layoutOf(layout).seed(ctx);
    (ctx.seeded as Set<LayoutName>).add(layout);
    return { target, ctx };
  } catch (err) {
    await target.stop();
    throw err;
  }
}
