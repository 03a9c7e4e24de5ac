import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyseTemplate, expandTemplate } from './custom-query-template.js';

const TOP =
  'SELECT c.id, sum(o.total) FROM orders o JOIN customers c ON c.id = o.customer_id AND {{tenant c}} ' +
  'WHERE {{tenant o}} AND o.created_at >= $1 GROUP BY c.id';

describe('custom query template', () => {
  it('finds each tenant table alias (FROM, JOIN, comma lists, subqueries) and the placeholders', () => {
    assert.deepEqual(analyseTemplate(TOP), { placeholders: 1, aliases: ['o', 'c'] });
    const comma = analyseTemplate('SELECT 1 FROM orders AS o, customers WHERE {{tenant o}} AND {{tenant customers}} AND o.id = $1');
    assert.deepEqual(comma, { placeholders: 1, aliases: ['o', 'customers'] });
    const sub = analyseTemplate(
      'SELECT p.id, (SELECT count(*) FROM order_items i WHERE {{tenant i}} AND i.product_id = p.id) FROM products p WHERE {{tenant p}} AND p.id = $1',
    );
    assert.deepEqual(sub, { placeholders: 1, aliases: ['i', 'p'] });
  });

  it('refuses a tenant table alias without its marker, naming the alias and the fix', () => {
    const t = analyseTemplate('SELECT * FROM orders o JOIN customers c ON c.id = o.customer_id WHERE {{tenant o}}');
    assert.match(t.problem ?? '', /customers c has no \{\{tenant c\}\} marker: the shared baseline would read every tenant's rows/);
    // The same alias twice (an outer and an inner scope) needs a marker per reference.
    const twice = analyseTemplate('SELECT * FROM orders o WHERE {{tenant o}} AND o.id IN (SELECT o.id FROM orders o)');
    assert.match(twice.problem ?? '', /orders o has 1 \{\{tenant o\}\} marker\(s\) for 2 references/);
  });

  it('refuses markers of unknown aliases, unknown markers, tenant_id, qualified tables, gaps in $n, no tenant table', () => {
    assert.match(
      analyseTemplate('SELECT * FROM orders o WHERE {{tenant o}} AND {{tenant x}}').problem ?? '',
      /"x" is not a tenant table's alias/,
    );
    assert.match(analyseTemplate('SELECT * FROM orders o WHERE {{tenant o}} AND {{ shard }}').problem ?? '', /unknown marker/);
    assert.match(analyseTemplate('SELECT * FROM orders o WHERE {{tenant o}} AND o.tenant_id = $1').problem ?? '', /names tenant_id/);
    assert.match(
      analyseTemplate('SELECT * FROM public.orders o WHERE {{tenant o}}').problem ?? '',
      /public\.orders: write tenant tables unqualified/,
    );
    assert.match(analyseTemplate('SELECT * FROM orders o WHERE {{tenant o}} AND o.id = $2').problem ?? '', /uses \$2 but not \$1/);
    assert.match(analyseTemplate('SELECT 1').problem ?? '', /reads no tenant table/);
  });

  it('ignores strings and comments when reading the SQL', () => {
    const t = analyseTemplate(
      "SELECT 'FROM customers x' FROM orders o /* JOIN products p */ WHERE {{tenant o}} -- , order_items\n AND o.note <> $1",
    );
    assert.deepEqual(t, { placeholders: 1, aliases: ['o'] });
  });

  it('expands each marker to alias.tenant_id = $n where the application filters, TRUE elsewhere', () => {
    assert.equal(
      expandTemplate(TOP, true, 2),
      'SELECT c.id, sum(o.total) FROM orders o JOIN customers c ON c.id = o.customer_id AND c.tenant_id = $2 WHERE o.tenant_id = $2 AND o.created_at >= $1 GROUP BY c.id',
    );
    assert.equal(
      expandTemplate(TOP, false, 2),
      'SELECT c.id, sum(o.total) FROM orders o JOIN customers c ON c.id = o.customer_id AND TRUE WHERE TRUE AND o.created_at >= $1 GROUP BY c.id',
    );
  });
});
