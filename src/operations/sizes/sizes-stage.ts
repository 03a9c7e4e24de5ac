import type { RunSession } from '../../pipeline/run-session.js';
import { layout as layoutOf } from '../../layouts/registry.js';
import { sizesDetail } from './sizes-detail.js';

/** Re-measure every layout's sizes (they change with migrations) and add the per-tenant, per-database and catalog detail. */
export async function sizesStage(s: RunSession): Promise<void> {
  for (const name of s.layouts) {
    const base = await layoutOf(name).sizes(s.ctx);
    const detail = await sizesDetail(name, s.ctx);
    s.summary.layouts[name]!.sizes = { ...base, detail };
    s.flush();
    const mem =
      detail.catalogMemory.status === 'ok'
        ? `catalog cache ${detail.catalogMemory.cacheBytesBefore} -> ${detail.catalogMemory.cacheBytesAfter} B over ${detail.catalogMemory.backends} backend(s)`
        : detail.catalogMemory.reason;
    s.out(
      `${name}: sizes: ${base.databaseBytes} B in ${base.databases} database(s), ${detail.pgClassRows} pg_class rows, catalogs ${detail.catalogBytes} B; ${mem}`,
    );
  }
}
