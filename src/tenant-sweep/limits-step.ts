/**
 * The limit measurements of one sweep step (sweep.limits): per layout a whole-layout pg_dump with
 * the locks it needs, and creating one more tenant. Run after the catalog figures and before the
 * migrations, so the tables dumped are the seeded ones.
 */
import type { LayoutName } from '../config/scenario-schema.js';
import type { LayoutContext } from '../layouts/layout.js';
import { type AddTenant, measureAddTenant } from './add-tenant.js';
import { type FullDump, measureFullDump } from './full-dump.js';

export interface LimitFigures {
  fullDump: FullDump;
  addTenant: AddTenant;
}

export async function measureLimits(ctx: LayoutContext, layout: LayoutName, out: (line: string) => void): Promise<LimitFigures> {
  const fullDump = await measureFullDump(ctx, layout);
  out(
    fullDump.status === 'not measured'
      ? `${layout}: full pg_dump ${fullDump.reason}`
      : `${layout}: full pg_dump of ${fullDump.databases} database(s) ${fullDump.status}${fullDump.seconds !== null ? ` in ${fullDump.seconds.toFixed(1)} s` : ''}, ${fullDump.tablesLocked} tables locked (sampled peak ${fullDump.peakLocksSampled ?? 'n/a'} locks), needs max_locks_per_transaction >= ${fullDump.requiredMaxLocksPerTransaction} (set: ${fullDump.maxLocksPerTransaction})${fullDump.error ? `: ${fullDump.error}` : ''}`,
  );
  const addTenant = await measureAddTenant(ctx, layout);
  out(
    addTenant.status === 'not measured'
      ? `${layout}: one more tenant ${addTenant.reason}`
      : `${layout}: one more tenant (${addTenant.method}) ${addTenant.status}${addTenant.seconds !== null ? ` in ${addTenant.seconds.toFixed(3)} s` : ''}${addTenant.error ? `: ${addTenant.error}` : ''}`,
  );
  return { fullDump, addTenant };
}
