import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { copyColumns } from './dataset.js';
import { tableCopyStream } from './generator.js';
import { buildPools } from './pools.js';
import { planDataset, TENANT_TABLES } from './tenant-plan.js';

async function text(stream: NodeJS.ReadableStream): Promise<string> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(c as Buffer);
  return Buffer.concat(parts).toString();
}

describe('row generator', () => {
  const plan = planDataset({ seed: 5, tenants: 4, rows: 20_000, sizes: { kind: 'zipf', s: 1 } });
  const pools = buildPools(5);

  it('is deterministic: the same seed gives the same bytes', async () => {
    for (const t of TENANT_TABLES) {
      const a = await text(tableCopyStream(t, plan.tenants, pools, { tenantColumn: true }));
      const b = await text(tableCopyStream(t, plan.tenants, buildPools(5), { tenantColumn: true }));
      assert.equal(a, b, t);
    }
  });

  it('gives a tenant the same rows alone as among others, with or without the tenant column', async () => {
    for (const t of TENANT_TABLES) {
      const all = (await text(tableCopyStream(t, plan.tenants, pools, { tenantColumn: true }))).split('\n');
      const tenant = plan.tenants[2]!;
      const alone = (await text(tableCopyStream(t, [tenant], pools, { tenantColumn: false }))).split('\n').filter(Boolean);
      const mine = all.filter((l) => l.startsWith(`${tenant.id}\t`)).map((l) => l.slice(tenant.id.length + 1));
      assert.deepEqual(mine, alone, t);
    }
  });

  it('produces exactly the planned rows, each with one value per column', async () => {
    for (const t of TENANT_TABLES) {
      const lines = (await text(tableCopyStream(t, plan.tenants, pools, { tenantColumn: true }))).split('\n').filter(Boolean);
      assert.equal(lines.length, plan.totals[t], t);
      const cols = copyColumns(t, { tenantColumn: true }).length;
      for (const l of lines.slice(0, 500)) assert.equal(l.split('\t').length, cols, `${t}: ${l}`);
    }
  });

  it('keeps order totals equal to the sum of their items', async () => {
    const tenant = plan.tenants[0]!;
    const orders = (await text(tableCopyStream('orders', [tenant], pools, { tenantColumn: false }))).split('\n').filter(Boolean);
    const items = (await text(tableCopyStream('order_items', [tenant], pools, { tenantColumn: false }))).split('\n').filter(Boolean);
    const sums = new Map<string, number>();
    for (const l of items) {
      const [, orderId, , qty, price] = l.split('\t');
      sums.set(orderId!, (sums.get(orderId!) ?? 0) + Number(qty) * Math.round(Number(price) * 100));
    }
    for (const l of orders.slice(0, 200)) {
      const [id, , , total] = l.split('\t');
      assert.equal(Math.round(Number(total) * 100), sums.get(id!) ?? 0, `order ${id}`);
    }
  });
});
