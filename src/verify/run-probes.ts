/**
 * Run probes against one layout and collect their observations. A probe that throws is recorded
 * as a finding carrying the error (never silently as blocked): the verifier could not check it.
 */
import createDebug from 'debug';
import { errorMessage, sqlState } from '../errors.js';
import type { LayoutContext, LayoutName, TenantRouter } from '../layouts/layout.js';
import type { Observation, Probe, ProbeEnv } from './probe.js';
import { makeProbeEnv } from './probe-env.js';
import type { EnvOverrides } from './probe-env.js';
import { PROBES, probe as probeById } from './probe-registry.js';

const debug = createDebug('tenantbench:verify');

export interface ProbeResult extends Observation {
  id: string;
  description: string;
}

export async function runProbe(p: Probe, env: ProbeEnv): Promise<ProbeResult> {
  const base = { id: p.id, description: p.description };
  if (!p.appliesTo(env)) return { ...base, outcome: 'not-applicable', sql: [], expected: 'n/a', observed: {} };
  try {
    const o = await p.run(env);
    debug('%s %s: %s %o', env.layout, p.id, o.outcome, o.observed);
    return { ...base, ...o };
  } catch (err) {
    debug('%s %s: error %s', env.layout, p.id, errorMessage(err));
    return {
      ...base,
      outcome: 'finding',
      sql: [],
      expected: 'the probe runs',
      observed: { sqlstate: sqlState(err) ?? undefined, detail: `probe could not run: ${errorMessage(err)}` },
    };
  }
}

/** Every registered probe against one environment, one after the other. */
export async function runProbes(env: ProbeEnv, probes: readonly Probe[] = PROBES): Promise<ProbeResult[]> {
  const out: ProbeResult[] = [];
  for (const p of probes) out.push(await runProbe(p, env));
  return out;
}

/**
 * One probe, quickly, through a router the caller already has (for mixing probes into a workload
 * later: "under load"). The caller owns and closes the router.
 */
export function probeThroughRouter(
  ctx: LayoutContext,
  layout: LayoutName,
  router: TenantRouter,
  probeId: string,
  o: Omit<EnvOverrides, 'router'> = {},
): Promise<ProbeResult> {
  return runProbe(probeById(probeId), makeProbeEnv(ctx, layout, { ...o, router }));
}

export interface Counts {
  blocked: number;
  leaked: number;
  findings: number;
  notApplicable: number;
}

export function countOutcomes(results: readonly Observation[]): Counts {
  const n = (o: Observation['outcome']) => results.filter((r) => r.outcome === o).length;
  return { blocked: n('blocked'), leaked: n('leaked'), findings: n('finding'), notApplicable: n('not-applicable') };
}
