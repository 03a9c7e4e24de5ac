import { inSession, observation } from '../probe-kit.js';
import { foreignCount, foreignCountSql, SHARED_BASELINE } from '../probe.js';
import type { Probe } from '../probe.js';

/**
 * Where only the application's `WHERE tenant_id = $1` separates tenants, one query that forgets it
 * sees every tenant. Reported as the baseline's documented finding, with the rows it would expose.
 */
export const appFilterOmitted: Probe = {
  id: 'app-filter-omitted',
  description: 'a query that forgets the application tenant filter',
  appliesTo: (env) => env.appFilter,
  run: (env) =>
    inSession(env.router, env.self, async (s) => {
      const foreign = foreignCount(await s.run(foreignCountSql('orders'), [env.self.id]));
      return observation(foreign > 0 ? 'finding' : 'blocked', s.sql, 'the database refuses or filters it (it cannot: no policies)', {
        rowsSeen: foreign,
        detail: foreign > 0 ? `${foreign} rows of other tenants; ${SHARED_BASELINE}` : undefined,
      });
    }),
};
