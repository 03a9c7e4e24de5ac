/**
 * The SQL template of a scenario-declared query. Written once for one tenant (unqualified tables,
 * no tenant_id); each tenant table's alias gets a `{{tenant <alias>}}` marker, a boolean condition
 * placed where the filter belongs (`WHERE {{tenant o}} AND o.created_at < $1`, `JOIN customers c
 * ON c.id = o.customer_id AND {{tenant c}}`). It expands to `<alias>.tenant_id = $n` where the
 * application filters (the shared baseline, rls with explicitTenantFilter) and to `TRUE` where the
 * layout scopes by itself (the planner folds `TRUE AND x` away). A tenant table without its marker
 * is refused: the shared baseline would read every tenant's rows.
 *
 * The analysis is lexical (strings and comments removed, then tokens): enough to find every
 * FROM / JOIN / comma-listed table and its alias, not a full SQL parser; the seeded server then
 * prepares every layout's text (src/workload/custom-query-check.ts).
 */
import { TENANT_TABLES } from '../../seed/tenant-plan.js';

const MARKER = /\{\{([^}]*)\}\}/g;
const MARKER_BODY = /^\s*tenant\s+([A-Za-z_][A-Za-z0-9_]*)\s*$/;
/** Words that end a table reference (so cannot be its alias). */
const NOT_ALIAS = new Set(
  'where join inner left right full cross natural on using group order limit having window union except intersect offset fetch for returning set values lateral tablesample select as'.split(
    ' ',
  ),
);
/** Words that end a FROM list at their parenthesis depth. */
const END_OF_FROM = new Set(
  'where group order limit having window union except intersect offset fetch for returning set values select'.split(' '),
);
/** Words after which a table name follows. */
const TABLE_FOLLOWS = new Set(['from', 'join', 'update', 'into']);

export interface TemplateAnalysis {
  /** The first thing wrong, or undefined. */
  problem?: string;
  /** Highest $n used (they must run $1..$n without gaps). */
  placeholders: number;
  /** Aliases of the tenant tables it reads, in order of appearance. */
  aliases: string[];
}

/** Strings, quoted identifiers' quotes and comments out: what is left is tokens. */
function strip(sql: string): string {
  return sql
    .replace(/--[^\n]*/g, ' ')
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/\$([A-Za-z_][A-Za-z0-9_]*)?\$[\s\S]*?\$\1\$/g, " '' ")
    .replace(/'(?:[^']|'')*'/g, " '' ")
    .replace(/"((?:[^"]|"")*)"/g, (_, id: string) => ` ${id.toLowerCase()} `);
}

function tokens(sql: string): string[] {
  return (strip(sql).match(/\{\{[^}]*\}\}|\$\d+|[A-Za-z_][A-Za-z0-9_$]*|\S/g) ?? []).map((t) => (t.startsWith('{{') ? t : t.toLowerCase()));
}

const isWord = (t: string | undefined): t is string => t !== undefined && /^[a-z_][a-z0-9_$]*$/.test(t);

export function analyseTemplate(sql: string): TemplateAnalysis {
  const toks = tokens(sql);
  const tenantTables = TENANT_TABLES as readonly string[];
  const refs: { table: string; alias: string }[] = [];
  const markers: string[] = [];
  const numbers = new Set<number>();
  const fromDepths = new Set<number>();
  let depth = 0;
  let problem: string | undefined;
  const fail = (m: string) => {
    problem ??= m;
  };
  const tableAt = (i: number) => {
    let k = i;
    while (toks[k] === 'only' || toks[k] === 'lateral') k++;
    const name = toks[k];
    if (!isWord(name)) return;
    if (toks[k + 1] === '.') {
      const last = toks[k + 2];
      if (isWord(last) && tenantTables.includes(last)) fail(`${name}.${last}: write tenant tables unqualified (each layout resolves them)`);
      return;
    }
    if (!tenantTables.includes(name)) return;
    let a = k + 1;
    if (toks[a] === 'as') a++;
    const alias = toks[a];
    refs.push({ table: name, alias: isWord(alias) && !NOT_ALIAS.has(alias) ? alias : name });
  };
  for (const [i, t] of toks.entries()) {
    if (t.startsWith('{{')) {
      const m = MARKER_BODY.exec(t.slice(2, -2));
      if (m) markers.push(m[1]!.toLowerCase());
      else fail(`unknown marker ${t}; the only marker is {{tenant <alias>}}`);
    } else if (/^\$\d+$/.test(t)) numbers.add(Number(t.slice(1)));
    else if (t === '(') depth++;
    else if (t === ')') {
      fromDepths.delete(depth);
      depth--;
    } else if (t === ';') fromDepths.clear();
    else if (t === 'tenant_id') fail('names tenant_id: write the query for one tenant and let {{tenant <alias>}} add the filter');
    else if (TABLE_FOLLOWS.has(t)) {
      if (t === 'from') fromDepths.add(depth);
      tableAt(i + 1);
    } else if (t === ',' && fromDepths.has(depth)) tableAt(i + 1);
    else if (END_OF_FROM.has(t)) fromDepths.delete(depth);
  }
  const placeholders = Math.max(0, ...numbers);
  for (let n = 1; n <= placeholders; n++) if (!numbers.has(n)) fail(`uses $${placeholders} but not $${n}: number the parameters $1..$n`);
  if (!refs.length) fail(`reads no tenant table (${TENANT_TABLES.join(', ')}): nothing to scope to a tenant`);
  const aliases = refs.map((r) => r.alias);
  for (const m of markers) {
    if (!aliases.includes(m))
      fail(`{{tenant ${m}}}: "${m}" is not a tenant table's alias here; aliases: ${[...new Set(aliases)].join(', ')}`);
  }
  for (const a of new Set(aliases)) {
    const need = aliases.filter((x) => x === a).length;
    const have = markers.filter((x) => x === a).length;
    if (have < need) {
      const table = refs.find((r) => r.alias === a)!.table;
      fail(
        `${table} ${a} has ${have ? `${have} {{tenant ${a}}} marker(s) for ${need} references` : `no {{tenant ${a}}} marker`}: ` +
          `the shared baseline would read every tenant's rows; put {{tenant ${a}}} in its WHERE or ON condition ` +
          `(it becomes ${a}.tenant_id = $n there, TRUE in layouts that scope by themselves)`,
      );
    }
  }
  return problem === undefined ? { placeholders, aliases } : { problem, placeholders, aliases };
}

/** The text for one layout: each marker becomes `<alias>.tenant_id = $<param>` (filtering) or `TRUE`. */
export function expandTemplate(sql: string, tenantFilter: boolean, param: number): string {
  return sql.replace(MARKER, (_, body: string) => {
    const alias = MARKER_BODY.exec(body)?.[1];
    if (!alias) throw new Error(`unknown marker {{${body}}}`);
    return tenantFilter ? `${alias}.tenant_id = $${param}` : 'TRUE';
  });
}
