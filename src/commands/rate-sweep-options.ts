import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import type { ScenarioOverrides } from '../config/load-scenario.js';

export interface RateSweepOpts {
  /** true: run the scenario's sweep (or the default one); a list: these rates; false: no sweep. */
  rateSweep?: boolean | number[];
  p99Target?: number;
}

/** `--rate-sweep 100,200,400`: rates per second (their range is checked with the scenario). */
function parseRates(v: string): number[] {
  return v.split(',').map((x) => {
    const n = Number(x.trim());
    if (x.trim() === '' || !Number.isFinite(n))
      throw new InvalidArgumentError(`--rate-sweep: expected rates per second separated by commas, e.g. 100,200,400 (got "${v}")`);
    return n;
  });
}

function parseMs(v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n <= 0)
    throw new InvalidArgumentError(`--p99-target must be a number of milliseconds > 0 (got "${v}")`);
  return n;
}

/** The rate-sweep flags of `run`. */
export function rateSweepOptions(cmd: Command): Command {
  return cmd
    .option(
      '--rate-sweep [rates]',
      "after the workload, find each layout's capacity: open loop at increasing rates (the scenario's rateSweep, else 100/s doubling; or the comma-separated rates given) until P99 misses the target",
      parseRates,
    )
    .option('--no-rate-sweep', "skip the scenario's rate sweep")
    .option('--p99-target <ms>', 'rate sweep: the P99 a step must stay within, ms (implies --rate-sweep)', parseMs);
}

/** The scenario overrides the flags ask for (validated with the scenario, exit 2 naming the field). */
export function rateSweepOverrides(o: RateSweepOpts): Pick<ScenarioOverrides, 'rateSweep'> {
  if (o.rateSweep === false) return { rateSweep: false };
  if (o.rateSweep === undefined && o.p99Target === undefined) return {};
  const r: Record<string, unknown> = {};
  if (Array.isArray(o.rateSweep)) r.rates = o.rateSweep;
  if (o.p99Target !== undefined) r.p99TargetMs = o.p99Target;
  return { rateSweep: r };
}
