import type { ResolvedScenario } from '../config/load-scenario.js';
import type { LayoutName } from '../config/scenario-schema.js';
import type { AbSideLabel } from './ab-plan.js';

/**
 * One variant of an A/B run. Both sides measure on one server with one seeded dataset; what may
 * differ is the side's workload (its scenario file or `--a-set`/`--b-set workload.<field>=<value>`
 * overrides), its layout (`--a-layout`/`--b-layout`), its per-session server settings
 * (`--a-pg-setting`/`--b-pg-setting`, src/ab/side-settings.ts) and its rls policy form
 * (`--a-layout-option`/`--b-layout-option rls.policy=<form>`, src/ab/side-policy.ts).
 *
 * Hook for custom query files (issue 16, another branch): they arrive as fields of the scenario, so
 * a side's own queries travel in `scenario`; measureSegment compiles the mix from the workload it
 * is given, and a side whose queries need schema objects the seed does not make must bring them
 * as part of its scenario's seed definition (then the data-identity check below refuses the pair).
 */
export interface AbSide {
  label: AbSideLabel;
  /** What the side is, for the Markdown: "scenarios/smoke.yaml, --b-pg-setting enable_indexscan=off". */
  description: string;
  scenario: ResolvedScenario;
  layouts: LayoutName[];
  /** Server settings for this side's windows, per session (ALTER DATABASE ... SET). */
  settings: Record<string, string>;
}

/**
 * The scenario fields that decide the seeded data (rows, tenants, their sizes and placement): equal
 * on both sides, or `ab` cannot seed once. A side's workload, its layout list and its thresholds may
 * differ, and its rls policy form (DDL over the same rows, applied per window: side-policy.ts).
 */
export function dataDefinition(s: ResolvedScenario): string {
  const layoutOptions = { ...s.layoutOptions, rls: { ...s.layoutOptions.rls, policy: null } };
  return JSON.stringify({ seed: s.seed, tenants: s.tenants, rows: s.rows, sizes: s.sizes, layoutOptions });
}
