import createDebug from 'debug';
import type { ResolvedWorkload } from '../config/resolved-scenario.js';
import type { LayoutName } from '../config/scenario-schema.js';
import { LAYOUT_NAMES } from '../layouts/layout-names.js';
import type { LayoutContext, TenantRouter } from '../layouts/layout.js';
import { serversOf } from '../target/placed-target.js';
import { defaultGeneratorThreads } from './generator-threads.js';

const debug = createDebug('tenantbench:generator');

/** What decides a segment's generator threads (measure-segment's SegmentOptions). */
export interface ThreadChoice {
  ctx: LayoutContext;
  layout: LayoutName;
  workload: ResolvedWorkload;
  router?: TenantRouter;
  onMeasureStart?: unknown;
  noisy?: boolean;
}

/**
 * How many generator threads drive a segment: the scenario's (else the machine's default), at most
 * one per user (each thread needs a connection), and one when something must share the main
 * thread's loop or objects: a router handed in (PgBouncer, tests), a hook on the window (migration
 * under load, tests), a noisy neighbour or leak probes on the segment's router, a layout registered
 * at run time (threads know the built-in ones), or several servers (their placement lives here).
 */
export function generatorThreadsFor(o: ThreadChoice): number {
  const w = o.workload;
  const wanted = Math.min(w.generatorThreads ?? defaultGeneratorThreads(), w.users);
  if (wanted <= 1) return 1;
  const needsMain =
    (o.router && 'a router handed in') ||
    (o.onMeasureStart && 'a hook on the measured window') ||
    (o.noisy && 'a noisy neighbour') ||
    (w.leakProbes.enabled && 'leak probes under load') ||
    (!(LAYOUT_NAMES as readonly string[]).includes(o.layout) && 'a layout registered at run time') ||
    (serversOf(o.ctx.target).length > 1 && 'several servers');
  if (needsMain) {
    debug('%s: 1 generator thread instead of %d (%s)', o.layout, wanted, needsMain);
    return 1;
  }
  return wanted;
}
