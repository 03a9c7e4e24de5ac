/**
 * Leak probes under load (`run --leak-probes`): while a layout's measured window runs, a side task
 * picks a tenant every `everyMs` and runs one read-type probe of the verifier as that tenant,
 * through the router the workload uses (so it gets the pool's connections, with whatever residue
 * the measured requests left on them). It counts the probes and any row of another tenant seen.
 */
import createDebug from 'debug';
import type { LayoutContext, LayoutName, TenantRouter } from '../layouts/layout.js';
import type { LeakProbes } from '../results/workload-schema.js';
import { mulberry32 } from '../../seed/prng.js';
import type { TenantPlan } from '../../seed/tenant-plan.js';
import { probeTier } from '../verify/probe-env.js';
import { probeThroughRouter } from '../verify/run-probes.js';

const debug = createDebug('tenantbench:workload');

/** The cheap read-type probes (one or two statements in a rolled-back session), run in turn. */
export const LOAD_PROBES = ['read-by-id', 'read-by-scan', 'read-through-join', 'read-through-aggregate'] as const;

export function emptyLeakProbes(): LeakProbes {
  return { probes: 0, leaked: 0, findings: 0, rowsOfOtherTenants: 0, firstLeak: null };
}

/** Add `b` into `a` (the first leak stays the first). */
export function addLeakProbes(a: LeakProbes, b: LeakProbes): LeakProbes {
  return {
    probes: a.probes + b.probes,
    leaked: a.leaked + b.leaked,
    findings: a.findings + b.findings,
    rowsOfOtherTenants: a.rowsOfOtherTenants + b.rowsOfOtherTenants,
    firstLeak: a.firstLeak ?? b.firstLeak,
  };
}

export interface LeakProbeLoop {
  /** Stop after the probe in flight (if any) and return the tally. */
  stop(): Promise<LeakProbes>;
}

export interface LeakProbeOptions {
  ctx: LayoutContext;
  layout: LayoutName;
  router: TenantRouter;
  everyMs: number;
  seed: number;
  /** Tenants the probes may act as (default: every tenant of the layout's probe tier). */
  tenants?: readonly TenantPlan[];
}

/** Start probing now; `stop()` ends the loop. */
export function startLeakProbes(o: LeakProbeOptions): LeakProbeLoop {
  const tally = emptyLeakProbes();
  const tier = probeTier(o.ctx, o.layout);
  const allowed = new Set((o.tenants ?? tier).map((t) => t.slug));
  // A probe needs its tenant's orders and items (the controls) and another tenant in the tier.
  const selves = tier.filter((t) => allowed.has(t.slug) && t.counts.orders > 0 && t.counts.order_items > 0);
  const rnd = mulberry32(o.seed);
  let stopped = false;
  let wake: (() => void) | null = null;
  let next = 0;

  const loop = async (): Promise<void> => {
    if (selves.length === 0 || tier.length < 2) {
      debug('%s: no tenant to probe with', o.layout);
      return;
    }
    while (!stopped) {
      const started = Date.now();
      const self = selves[Math.floor(rnd() * selves.length)]!;
      const id = LOAD_PROBES[next++ % LOAD_PROBES.length]!;
      const r = await probeThroughRouter(o.ctx, o.layout, o.router, id, { self, ignoreUnplannedIds: true });
      if (r.outcome !== 'not-applicable') tally.probes++;
      if (r.outcome === 'leaked') {
        tally.leaked++;
        tally.rowsOfOtherTenants += r.observed.rowsSeen ?? r.observed.rowsAffected ?? 0;
        tally.firstLeak ??= { probe: id, tenant: self.slug, detail: r.observed.detail ?? JSON.stringify(r.observed) };
        debug('%s %s as %s: LEAKED %o', o.layout, id, self.slug, r.observed);
      } else if (r.outcome === 'finding') {
        tally.findings++;
        debug('%s %s as %s: finding %o', o.layout, id, self.slug, r.observed);
      }
      const wait = o.everyMs - (Date.now() - started);
      if (wait > 0 && !stopped) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, wait);
          wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
        wake = null;
      }
    }
  };
  const running = loop();
  return {
    async stop() {
      stopped = true;
      (wake as (() => void) | null)?.();
      await running;
      return { ...tally };
    },
  };
}
