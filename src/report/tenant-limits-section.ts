/**
 * Where each strategy breaks (a sweep with `limits`): per step the backend memory of one
 * connection that touched every tenant's tables, that memory times the pool, pg_dump of the whole
 * layout and the max_locks_per_transaction it needs, creating one more tenant and the migrations;
 * then, per layout and cost, the tenant count at which the cost crosses its budget on the measured
 * machine: "measured" when a step is over it, else "extrapolated" from a line fitted in N.
 * Built from summary.sweep alone.
 */
import type { LayoutName } from '../config/scenario-schema.js';
import type { SweepLayout, SweepSummary } from '../results/sweep-schema.js';
import { type Crossing, type Point, crossing, extrapolate, fitLinear } from './limit-crossing.js';
import { notMeasured } from './not-measured.js';
import { type Cell, MB, type Table } from './section.js';

const GB = 1024 * MB;

/**
 * PostgreSQL's defaults: max_locks_per_transaction 64 x (max_connections 100 + autovacuum_max_workers 3
 * + 1 + max_worker_processes 8 + max_wal_senders 10 + max_prepared_transactions 0) lock slots.
 */
export const DEFAULT_LOCK_SLOTS = 64 * (100 + 3 + 1 + 8 + 10 + 0);

type Limits = NonNullable<SweepSummary['limits']>;

/** One backend's memory: the database layout's figure is summed over one backend per tenant database. */
const perBackend = (l: SweepLayout, f: 'bytesAfter' | 'totalBytesAfter'): number | null => {
  const c = l.catalogCache;
  const v = c?.[f];
  return c && typeof v === 'number' ? v / c.backends : null;
};
const dumpOf = (l: SweepLayout) => (l.fullDump && l.fullDump.status !== 'not measured' ? l.fullDump : null);
const dumpLocks = (l: SweepLayout) => {
  const d = dumpOf(l);
  return d ? Math.max(d.tablesLocked, d.peakLocksSampled ?? 0) : null;
};

interface LimitCost {
  title: string;
  unit: string;
  /** Shown value = raw / scale. */
  scale: number;
  budget: (limits: Limits, l: SweepLayout[]) => { value: number; says: string } | string;
  value: (l: SweepLayout, limits: Limits) => number | null;
}

const memoryBudget = (limits: Limits) =>
  limits.ramBytes
    ? {
        value: limits.ramBytes * limits.memoryShareOfRam,
        says: `${Math.round(limits.memoryShareOfRam * 100)}% of ${(limits.ramBytes / GB).toFixed(1)} GiB RAM`,
      }
    : 'the machine RAM was not recorded';

/** Backend memory (one of its figures) x the pool, against half the RAM. */
const memoryCost = (title: string, field: 'bytesAfter' | 'totalBytesAfter'): LimitCost => ({
  title,
  unit: 'GiB',
  scale: GB,
  budget: memoryBudget,
  value: (l, limits) => {
    const b = perBackend(l, field);
    return b === null ? null : b * limits.poolConnections;
  },
});

/** A time against its budget in seconds (shown in minutes). */
const secondsCost = (title: string, seconds: (limits: Limits) => number, value: LimitCost['value']): LimitCost => ({
  title,
  unit: 's',
  scale: 1,
  budget: (limits) => ({ value: seconds(limits), says: `${(seconds(limits) / 60).toFixed(1)} min` }),
  value,
});

/** pg_dump's locks against a lock table. */
const locksCost = (title: string, budget: LimitCost['budget']): LimitCost => ({ title, unit: 'locks', scale: 1, budget, value: dumpLocks });

const COSTS: LimitCost[] = [
  memoryCost('backend memory (all contexts) x pool', 'totalBytesAfter'),
  memoryCost('catalog cache (CacheMemoryContext) x pool', 'bytesAfter'),
  secondsCost(
    'migration, one tenant at a time',
    (limits) => limits.migrationSeconds,
    (l) => l.migration?.sequentialSeconds ?? null,
  ),
  secondsCost(
    'migration, in parallel',
    (limits) => limits.migrationSeconds,
    (l) => l.migration?.parallelSeconds ?? null,
  ),
  secondsCost(
    'pg_dump of the whole layout',
    (limits) => limits.dumpSeconds,
    (l) => dumpOf(l)?.seconds ?? null,
  ),
  locksCost("pg_dump's locks vs this server's lock table", (_limits, ls) => {
    const d = ls.map(dumpOf).find((x) => x?.maxLocksPerTransaction && x.lockSlotsPerLock);
    return d
      ? {
          value: d.maxLocksPerTransaction! * d.lockSlotsPerLock!,
          says: `${d.maxLocksPerTransaction} x ${d.lockSlotsPerLock} = ${(d.maxLocksPerTransaction! * d.lockSlotsPerLock!).toLocaleString('en-US')} slots`,
        }
      : "the server's lock settings were not recorded";
  }),
  locksCost("pg_dump's locks vs PostgreSQL's default lock table", () => ({
    value: DEFAULT_LOCK_SLOTS,
    says: `64 x 122 = ${DEFAULT_LOCK_SLOTS.toLocaleString('en-US')} slots`,
  })),
];

function crossingText(c: Crossing): string {
  if (c.kind === 'measured')
    return c.below === null ? `measured: already over at the first step (${c.above})` : `measured: between ${c.below} and ${c.above}`;
  if (c.kind === 'extrapolated')
    return `extrapolated: linear fit over ${c.fit.points} steps${c.fit.r2 !== null ? `, r2 ${c.fit.r2.toFixed(3)}` : ''}`;
  return `not reached: ${c.reason}`;
}

/** The steps that measured `layout`, with their figures. */
type Measured = (layout: LayoutName) => { tenants: number; l: SweepLayout }[];

export function tenantLimitsTables(sweep: SweepSummary, layouts: readonly LayoutName[]): Table[] {
  const limits = sweep.limits;
  if (!limits) return [];
  const measured: Measured = (layout) =>
    sweep.steps.flatMap((st) => {
      const l = st.layouts.includes(layout) ? st.perLayout[layout] : undefined;
      return l ? [{ tenants: st.tenants, l }] : [];
    });
  return [perStepTable(sweep, limits, layouts, measured), crossingsTable(sweep, limits, layouts, measured)];
}

/** Why a figure is missing: its own reason, its failure, else `what`. */
const whyNot = (x: { status: string; reason?: string; error?: string | null } | null, what: string): string =>
  x?.status === 'not measured' ? x.reason! : x?.status === 'failed' ? notMeasured(`failed: ${x.error ?? ''}`) : notMeasured(what);

function perStepTable(sweep: SweepSummary, limits: Limits, layouts: readonly LayoutName[], measured: Measured): Table {
  const perStep: Table = {
    id: 'sweep-limits',
    title: 'Tenant limits: per step',
    description: `One connection touches every tenant table, then reads pg_backend_memory_contexts on that same connection (database layout: one backend per tenant database, shown per backend); x pool = that backend's memory x ${limits.poolConnections} connections. pg_dump -Fc of every database of the layout (the archive listed, not restored) and the locks its one transaction holds; the least max_locks_per_transaction = ceil(locks / (max_connections + autovacuum_max_workers + 1 + max_worker_processes + max_wal_senders + max_prepared_transactions)), for pg_dump alone.`,
    columns: [
      { key: 'tenants', label: 'tenants', digits: 0 },
      { key: 'layout', label: 'layout' },
      { key: 'cache', label: 'catalog cache / connection', unit: 'MB', digits: 1 },
      { key: 'total', label: 'backend memory / connection', unit: 'MB', digits: 1 },
      { key: 'pool', label: `x ${limits.poolConnections} connections`, unit: 'GiB', digits: 2 },
      { key: 'dump', label: 'pg_dump whole layout', unit: 's', digits: 1 },
      { key: 'dumpMb', label: 'archive', unit: 'MB', digits: 1 },
      { key: 'locks', label: 'pg_dump locks (peak sampled)', digits: 0 },
      { key: 'maxLocks', label: 'max_locks_per_transaction needed', digits: 0 },
      { key: 'add', label: 'one more tenant', unit: 's', digits: 3 },
      { key: 'seq', label: 'migration one at a time', unit: 's', digits: 1 },
      { key: 'par', label: `migration ${sweep.parallel} at a time`, unit: 's', digits: 1 },
    ],
    rows: [],
    notes: [],
  };
  for (const layout of layouts)
    for (const { tenants, l } of measured(layout)) {
      if (l.status !== 'ok') {
        const why = notMeasured(`layout ${l.status}${l.reason ? ` (${l.reason})` : ''}`);
        perStep.rows.push({ tenants, layout, ...Object.fromEntries(perStep.columns.slice(2).map((c) => [c.key, why])) });
        continue;
      }
      const d = l.fullDump ?? null;
      const dump = dumpOf(l);
      const total = perBackend(l, 'totalBytesAfter');
      const cache = perBackend(l, 'bytesAfter');
      const a = l.addTenant ?? null;
      const noMigration = l.notes.find((n) => n.startsWith('migration:'))?.slice('migration: '.length) ?? notMeasured('did not run');
      perStep.rows.push({
        tenants,
        layout,
        cache: cache !== null ? cache / MB : notMeasured('no catalog cache figure'),
        total: total !== null ? total / MB : notMeasured('no backend total (an older run)'),
        pool: total !== null ? (total * limits.poolConnections) / GB : notMeasured('no backend total'),
        dump: dump?.status === 'ok' ? dump.seconds : whyNot(d, 'not run'),
        dumpMb: dump?.status === 'ok' && dump.bytes !== null ? dump.bytes / MB : whyNot(d, 'not run'),
        locks: dumpLocks(l) ?? whyNot(d, 'not run'),
        maxLocks: dump?.requiredMaxLocksPerTransaction ?? whyNot(d, 'not run'),
        add: a && a.status === 'ok' ? a.seconds : whyNot(a, 'not run'),
        seq: l.migration?.sequentialSeconds ?? noMigration,
        par: l.migration?.parallelSeconds ?? noMigration,
      });
    }
  return perStep;
}

function crossingsTable(sweep: SweepSummary, limits: Limits, layouts: readonly LayoutName[], measured: Measured): Table {
  const largest = Math.max(...sweep.steps.map((st) => st.tenants));
  const cross: Table = {
    id: 'sweep-crossings',
    title: 'Tenant limits: where each cost crosses its budget',
    description:
      'From the measured steps of this run on this machine: "measured" when a step is over the budget (the tenant count interpolated linearly between the step under it and the step over it); otherwise "extrapolated" from a least-squares line in N through every measured step, beyond what was measured. The last column is the fitted line at the largest step of the sweep: extrapolated unless that step measured it.',
    columns: [
      { key: 'layout', label: 'layout' },
      { key: 'cost', label: 'cost' },
      { key: 'budget', label: 'budget' },
      { key: 'measured', label: 'measured (tenants: value)' },
      { key: 'tenants', label: 'crosses at', unit: 'tenants', digits: 0 },
      { key: 'how', label: 'measured or extrapolated' },
      { key: 'slope', label: 'slope per 1,000 tenants' },
      { key: 'atLargest', label: `at ${largest.toLocaleString('en-US')} tenants` },
    ],
    rows: [],
    notes: [],
  };
  for (const layout of layouts) {
    const steps = measured(layout);
    for (const c of COSTS) {
      const points: Point[] = steps.flatMap(({ tenants, l }) => {
        const v = c.value(l, limits);
        return v === null ? [] : [{ tenants, value: v }];
      });
      const budget = c.budget(
        limits,
        steps.map((x) => x.l),
      );
      const fmt = (v: number) => `${(v / c.scale).toLocaleString('en-US', { maximumFractionDigits: c.scale === 1 ? 1 : 2 })} ${c.unit}`;
      const row: Record<string, Cell> = {
        layout,
        cost: c.title,
        budget: typeof budget === 'string' ? notMeasured(budget) : `${fmt(budget.value)} (${budget.says})`,
        measured: points.length ? points.map((p) => `${p.tenants}: ${fmt(p.value)}`).join('; ') : notMeasured('no step measured it'),
      };
      if (typeof budget === 'string' || !points.length) {
        Object.assign(row, { tenants: notMeasured('no budget or no points'), how: '', slope: '', atLargest: '' });
      } else {
        const x = crossing(points, budget.value);
        const fit = x.kind === 'extrapolated' ? x.fit : (fitLinear(points) ?? null);
        const atLargest = points.find((p) => p.tenants === largest);
        Object.assign(row, {
          tenants: x.kind === 'not reached' ? 'not reached' : x.tenants,
          how: crossingText(x),
          slope: fit ? fmt(fit.slope * 1000) : notMeasured('fewer than two steps'),
          atLargest: atLargest
            ? `measured: ${fmt(atLargest.value)}`
            : fit
              ? `extrapolated: ${fmt(extrapolate(fit, largest))}`
              : notMeasured('fewer than two steps'),
        });
      }
      cross.rows.push(row);
    }
  }
  cross.notes.push(
    `Budgets (sweep.limits): backend memory x ${limits.poolConnections} connections <= ${Math.round(limits.memoryShareOfRam * 100)}% of RAM; a migration across all tenants <= ${limits.migrationSeconds} s; pg_dump <= ${limits.dumpSeconds} s; pg_dump's locks within the shared lock table (max_locks_per_transaction x (MaxBackends + max_prepared_transactions) slots, shared by every session).`,
    ...(limits.migrateUpTo !== null
      ? [`Migrations were measured only in steps up to ${limits.migrateUpTo} tenants (time box); beyond, their figures are extrapolated.`]
      : []),
    'A line in N is a model, not a measurement: catalog-bound costs can grow faster than linearly (hash tables resizing, the lock table spilling), so an extrapolated crossing is an upper bound at best; only the measured crossings were observed.',
  );
  return cross;
}
