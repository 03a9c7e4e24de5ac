import type { ResolvedWorkload } from '../config/load-scenario.js';
import type { TenantPlan } from '../../seed/tenant-plan.js';
import { hash32, mulberry32 } from '../../seed/prng.js';
import { CompiledMix } from './compiled-mix.js';
import type { CustomQueries } from './custom-query.js';
import { sleep } from './drive-context.js';
import { executeRequest } from './execute-request.js';
import type { RequestOptions } from './execute-request.js';
import type { IdSource } from './workload-query.js';

/** The noisy tenant: the one named, else the largest (ties: lower number). */
export function noisyTenantOf(w: ResolvedWorkload, tenants: readonly TenantPlan[]): TenantPlan | null {
  const nn = w.noisyNeighbour;
  if (!nn) return null;
  if (nn.tenant) return tenants.find((t) => t.slug === nn.tenant) ?? null;
  return [...tenants].sort((a, b) => b.rows - a.rows || a.index - b.index)[0] ?? null;
}

export interface NoisyLoad {
  /** Stop the loops and wait for them; returns the requests they completed and failed. */
  stop(): Promise<{ ok: number; errors: number }>;
}

/**
 * `users` loops sending the noisy tenant's heavy query back to back (not recorded: it is the
 * disturbance, not the measurement). Started before the warm-up so the load is steady when the
 * measured window opens.
 */
export function startNoisyLoad(
  request: RequestOptions,
  ids: IdSource,
  tenant: TenantPlan,
  query: string,
  users: number,
  seed: number,
  custom?: CustomQueries,
): NoisyLoad {
  const mix = new CompiledMix({ [query]: 1 }, request.prepared, custom);
  const q = mix.queries[0]!;
  let stopped = false;
  let ok = 0;
  let errors = 0;
  const loops = Array.from({ length: users }, async (_, u) => {
    const rnd = mulberry32(hash32(seed, 0x4e, u));
    while (!stopped) {
      const out = await executeRequest(request, tenant, q, q.query.params(tenant, rnd, ids));
      if (out.error === null) ok++;
      else {
        errors++;
        await sleep(5);
      }
    }
  });
  return {
    async stop() {
      stopped = true;
      await Promise.all(loops);
      return { ok, errors };
    },
  };
}
