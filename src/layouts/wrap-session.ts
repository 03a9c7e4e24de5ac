import type { QueryConfig, QueryResult, Row } from '../db/types.js';
import type { TenantSession } from './layout.js';

export interface SessionHooks {
  /** Awaited after each query that succeeded, before its result is returned. */
  afterQuery?: () => Promise<void>;
  /** Called once the connection is back, whether the release succeeded or failed. */
  afterRelease?: () => void;
}

/** `inner` with hooks around its queries and its release; everything else is forwarded as is. */
export function wrapSession(inner: TenantSession, hooks: SessionHooks): TenantSession {
  return {
    get tenant() {
      return inner.tenant;
    },
    get acquisition() {
      return inner.acquisition;
    },
    get needsTenantFilter() {
      return inner.needsTenantFilter;
    },
    async query<R extends Row = Row>(text: string | QueryConfig, values?: unknown[]): Promise<QueryResult<R>> {
      const r = await inner.query<R>(text, values);
      if (hooks.afterQuery) await hooks.afterQuery();
      return r;
    },
    release(err?: unknown): Promise<void> {
      const released = inner.release(err);
      return hooks.afterRelease ? released.finally(hooks.afterRelease) : released;
    },
  };
}
