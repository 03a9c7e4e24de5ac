import { withAdmin } from '../db/client.js';
import { errorMessage } from '../errors.js';
import type { LayoutContext, LayoutName } from '../layouts/layout.js';
import { layout as layoutOf } from '../layouts/registry.js';
import type { Target } from '../target/target.js';

/**
 * Before the first window: VACUUM (ANALYZE) each database the windows use, then a CHECKPOINT. A
 * freshly seeded table has work pending (insert-triggered autovacuum, hint bits, dirty buffers)
 * that otherwise lands at a fixed time after the start, on whichever windows run then: on this
 * machine the same two windows of every A/A run (both B's, the plan being the seed's) lost 20-50%
 * of their throughput, a false "B is slower"; the headline's first repeats at a rate ran 20-50% slower
 * than its second ones (the example run of 2026-12-03, before this was applied there). Returns a
 * warning when the checkpoint was refused (a server where the role may not run it), else null.
 * `who` names the caller in the warning.
 */
async function settleDatabases(target: Target, databases: readonly string[], who: string): Promise<string | null> {
  for (const db of databases) await withAdmin(target, db, (c) => c.query('VACUUM (ANALYZE)'));
  try {
    await withAdmin(target, target.admin.database, (c) => c.query('CHECKPOINT'));
    return null;
  } catch (err) {
    return `${who}: CHECKPOINT before the windows refused (${errorMessage(err)}); dirty buffers of the seed may be written during the first windows`;
  }
}

/**
 * `settleDatabases` over the databases of `layouts` (each once), announced and warned through
 * `out`: what the headline and `ab` run before their first window.
 */
export async function settleLayouts(
  s: { target: Target; ctx: LayoutContext; out: (line: string) => void },
  layouts: readonly LayoutName[],
  who: string,
): Promise<string | null> {
  const databases = layoutDatabases(s.ctx, layouts);
  s.out(`${who}: VACUUM (ANALYZE) and CHECKPOINT of ${databases.length} database(s) before the first window`);
  const warning = await settleDatabases(s.target, databases, who);
  if (warning) s.out(`warning: ${warning}`);
  return warning;
}

/** The databases of `layouts`, each once. */
export function layoutDatabases(ctx: LayoutContext, layouts: readonly LayoutName[]): string[] {
  return [...new Set(layouts.flatMap((l) => layoutOf(l).databases(ctx)))];
}
