/**
 * The scenario's declared queries against the seeded server, before any measurement: each one runs
 * once in every layout and tier (the first tenant of each, through the layout's own router, so with
 * its search_path, database, role, rls context or shared filter), in a read-only transaction. SQL
 * that does not prepare or run there, or that writes, is refused with the server's error (exit 2).
 */
import { hash32, mulberry32 } from '../../seed/prng.js';
import type { LayoutName } from '../config/scenario-schema.js';
import { UsageError, errorMessage } from '../errors.js';
import type { LayoutContext } from '../layouts/layout.js';
import { layout as layoutOf } from '../layouts/registry.js';
import { CompiledMix, queryConfig } from './compiled-mix.js';
import { customQueriesOf } from './custom-query.js';

const noIds = {
  next: (): number => {
    throw new Error('custom queries do not write');
  },
};

export async function checkCustomQueries(ctx: LayoutContext, layouts: readonly LayoutName[]): Promise<void> {
  const custom = customQueriesOf(ctx.scenario);
  if (!custom.specs.length) return;
  const w = ctx.scenario.workload;
  const mix = new CompiledMix(Object.fromEntries(custom.specs.map((q) => [q.name, 1])), w.prepared, custom);
  for (const name of layouts) {
    const impl = layoutOf(name);
    const locate = impl.locate(ctx);
    const router = impl.router(ctx, { maxConnections: 1 });
    try {
      for (const tier of impl.tiers(ctx)) {
        const tenant = tier.tenants[0];
        if (!tenant) continue;
        const loc = locate(tenant);
        for (const q of mix.queries) {
          const session = await router.acquire(tenant);
          const st = q.statement(
            { tenantFilter: session.needsTenantFilter || (w.explicitTenantFilter && loc.pooled), tenantColumn: loc.pooled },
            tenant,
          );
          try {
            // Allowed mid-transaction (only read-write is refused after the first query): a write fails with 25006.
            await session.query('SET TRANSACTION READ ONLY');
            await session.query(
              queryConfig(st, tenant, q.query.params(tenant, mulberry32(hash32(ctx.scenario.seed, 0xc0, q.index)), noIds)),
            );
            await session.release();
          } catch (err) {
            await session.release(err).catch(() => {});
            const i = custom.specs.findIndex((s) => s.name === q.name);
            throw new UsageError(
              `scenario ${ctx.scenario.source}: field "queries.${i}.sql": query "${q.name}" fails in layout ${name} ` +
                `(tenant ${tenant.slug}${tier.pooled ? ', pooled tables' : ''}): ${errorMessage(err)}\n  SQL as run there: ${st.text}`,
              `queries.${i}.sql`,
            );
          }
        }
      }
    } finally {
      await router.close();
    }
  }
}
