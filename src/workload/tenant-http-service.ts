import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TenantPlan } from '../../seed/tenant-plan.js';
import { hash32, mulberry32 } from '../../seed/prng.js';
import { CompiledMix } from './compiled-mix.js';
import { executeRequest } from './execute-request.js';
import type { RequestOptions } from './execute-request.js';

/** The header carrying the tenant's slug, as a gateway would after authentication. */
export const TENANT_HEADER = 'x-tenant';

export interface TenantHttpService {
  /** http://127.0.0.1:<port> (loopback only). */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * A small tenant-aware HTTP service: `GET /recent-orders` answers the tenant named in the
 * `x-tenant` header from the layout's router (the same query and session rules as the database
 * driver), so autocannon can measure end to end: HTTP parsing, routing, the tenant-scoped
 * transaction, JSON. 200 = ok; 400 = no or unknown tenant; 503 = a database error (SQLSTATE in the
 * body). Listens on 127.0.0.1 only.
 */
export async function startTenantHttpService(
  request: RequestOptions,
  tenants: readonly TenantPlan[],
  seed: number,
): Promise<TenantHttpService> {
  const bySlug = new Map(tenants.map((t) => [t.slug, t]));
  const mix = new CompiledMix({ 'recent-orders': 1 }, request.prepared);
  const q = mix.queries[0]!;
  const rnd = mulberry32(hash32(seed, 0x477));
  const server = createServer((req, res) => {
    const slug = req.headers[TENANT_HEADER];
    const tenant = typeof slug === 'string' ? bySlug.get(slug) : undefined;
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/recent-orders') {
      res.writeHead(404).end();
      return;
    }
    if (!tenant) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end(`missing or unknown ${TENANT_HEADER}`);
      return;
    }
    void executeRequest(request, tenant, q, q.query.params(tenant, rnd, { next: () => 0 }), true).then((out) => {
      if (out.error === null) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(out.body ?? '[]');
      } else {
        res.writeHead(503, { 'content-type': 'text/plain' }).end(out.error);
      }
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
