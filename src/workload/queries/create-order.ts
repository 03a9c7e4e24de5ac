import { ownId } from '../workload-query.js';
import type { WorkloadQuery } from '../workload-query.js';

/**
 * A write transaction: one order and 1-3 items in one statement (a data-modifying CTE: one round
 * trip, both inserts in the session's transaction). Pooled layouts fill tenant_id, which the rls
 * policy's WITH CHECK verifies against the transaction's tenant. Ids come from the driver's
 * allocator (unique over every tenant, above every existing id), not from a sequence: the dataset
 * has none, and the same ids must work in every layout.
 */
export const createOrder: WorkloadQuery = {
  name: 'create-order',
  description: 'insert an order with 1-3 items (one statement, exercises WITH CHECK under rls)',
  writes: true,
  sql: (shape) => {
    const tc = shape.tenantColumn;
    return {
      text:
        'WITH o AS (' +
        `INSERT INTO orders (${tc ? 'tenant_id, ' : ''}id, customer_id, status, total, currency, created_at, note, metadata) ` +
        `VALUES (${tc ? '$8, ' : ''}$1, $2, 'pending', $3, 'USD', now(), NULL, '{"channel": "api", "tags": ["bench"], "priority": 0}') RETURNING id) ` +
        `INSERT INTO order_items (${tc ? 'tenant_id, ' : ''}id, order_id, product_id, quantity, unit_price) ` +
        `SELECT ${tc ? '$8, ' : ''}i.id, o.id, i.product_id, i.quantity, i.unit_price FROM o, ` +
        'unnest($4::bigint[], $5::bigint[], $6::int[], $7::numeric[]) AS i(id, product_id, quantity, unit_price) RETURNING order_id',
      tenantParam: tc,
    };
  },
  params: (tenant, rnd, ids) => {
    const n = 1 + Math.floor(rnd() * 3);
    const itemIds: number[] = [];
    const products: number[] = [];
    const qty: number[] = [];
    const prices: string[] = [];
    let cents = 0;
    for (let k = 0; k < n; k++) {
      const q = 1 + Math.floor(rnd() * 5);
      const p = 100 + Math.floor(rnd() * 9900);
      itemIds.push(ids.next('order_items'));
      products.push(ownId(tenant, 'products', rnd));
      qty.push(q);
      prices.push((p / 100).toFixed(2));
      cents += q * p;
    }
    return [ids.next('orders'), ownId(tenant, 'customers', rnd), (cents / 100).toFixed(2), itemIds, products, qty, prices];
  },
};
