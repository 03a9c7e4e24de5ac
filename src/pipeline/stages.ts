/**
 * The stages the commands are made of, as `{ id, run(session) }`. Each adapts a stage function
 * (here in src/pipeline/, or beside its subject: src/operations/, src/pooler/, src/tenant-sweep/) with
 * the options the command resolved.
 */
import type { ResolvedScenario } from '../config/load-scenario.js';
import { backupStage } from '../operations/backup/backup-stage.js';
import type { BackupOptions } from '../operations/backup/backup-stage.js';
import { connectionsStage } from '../operations/connections/connections-stage.js';
import { extractionStage } from '../operations/extraction/extraction-stage.js';
import { migrateStage } from '../operations/migrations/migrate-stage.js';
import type { MigrateOptions } from '../operations/migrations/migrate-stage.js';
import { sizesStage } from '../operations/sizes/sizes-stage.js';
import { poolerStage } from '../pooler/pooler-stage.js';
import type { PoolerSource } from '../pooler/pooler-stage.js';
import { tenantSweepStage } from '../tenant-sweep/tenant-sweep-stage.js';
import type { SweepOptions } from '../tenant-sweep/tenant-sweep-stage.js';
import { layout as layoutOf } from '../layouts/registry.js';
import { headlineStage } from './headline-stage.js';
import { policyFormsStage } from './policy-forms-stage.js';
import { rateSweepStage } from './rate-sweep-stage.js';
import { referenceStage } from './reference-stage.js';
import { runStage } from './run-stage.js';
import { seedStage } from './seed-stage.js';
import type { RunSession } from './run-session.js';
import type { Stage } from './stage.js';
import { selfTestStage, verifyStage } from './verify-stage.js';

export interface OperationsOptions {
  migrate?: MigrateOptions;
  backup?: BackupOptions;
  /** Sessions held at once by the connections probe. */
  concurrency?: number;
}

export const stages = {
  /** Seed every layout and check the datasets are identical; `reuse`: check what an earlier seed left. */
  seed: (o: { reuse?: boolean } = {}): Stage => ({ id: 'seed', run: (s) => seedStage(s, o) }),

  /** The measured workload, through PgBouncer when the scenario has a pooler. */
  workload: (pgbouncer: PoolerSource | null): Stage =>
    pgbouncer ? { id: 'pooler', run: (s) => poolerStage(s, pgbouncer) } : { id: 'run', run: (s) => runStage(s) },

  /** pgbench on the same SQL, rate and connections after the workload (the scenario's workload.reference). */
  /** `headline`: the command runs the headline stage, which runs the reference at each of its rates instead. */
  reference: (scenario: ResolvedScenario, o: { headline?: boolean } = {}): Stage => ({
    id: 'reference',
    ...(scenario.workload.reference === 'none'
      ? { skip: 'workload.reference is none' }
      : o.headline
        ? { skip: 'the headline runs the reference at each of its rates (headline-reference.ts)' }
        : {}),
    run: referenceStage,
  }),

  /** The open-loop capacity search (the scenario's rateSweep:). */
  rateSweep: (scenario: ResolvedScenario): Stage => ({
    id: 'rate-sweep',
    ...(scenario.rateSweep ? {} : { skip: 'the scenario has no rateSweep' }),
    run: rateSweepStage,
  }),

  /** The rls layout under each RLS policy form on the same rows (the scenario's policyForms:). */
  policyForms: (scenario: ResolvedScenario): Stage => ({
    id: 'policy-forms',
    ...(scenario.policyForms ? {} : { skip: 'the scenario has no policyForms' }),
    run: policyFormsStage,
  }),

  /** Equal offered load below every capacity: calibration, then the headline rates (the scenario's headline:). */
  headline: (): Stage => ({ id: 'headline', run: headlineStage }),

  /** The isolation probes. */
  verify: (): Stage => ({
    id: 'verify',
    run: async (s) => {
      await verifyStage(s);
    },
  }),

  /** The verifier's self-test on deliberately broken variants (seeds its own tiny data). */
  selfTest: (): Stage => ({
    id: 'self-test',
    run: async (s) => {
      for (const l of Object.values(s.summary.layouts)) l.reason = 'not seeded: --self-test seeds its own tiny variants';
      await selfTestStage(s);
    },
  }),

  migrate: (o: MigrateOptions): Stage => ({ id: 'migrate', run: (s) => migrateStage(s, o) }),

  backup: (o: BackupOptions): Stage => ({ id: 'backup', run: (s) => backupStage(s, o) }),

  /**
   * Every operation, in the order that keeps each one's figures clean: migrations first (they
   * change the tables the others measure), then backups (verified against the migrated tables),
   * sizes, connections, and tenant extraction last (it rolls its deletes back and drops its
   * copies, but runs last anyway). A failed migration or backup does not stop the others
   * (PartialFailureError: the run fails at the end).
   */
  operations: (o: OperationsOptions = {}): Stage[] => [
    stages.migrate(o.migrate ?? {}),
    stages.backup(o.backup ?? {}),
    { id: 'sizes', run: sizesStage },
    { id: 'connections', run: (s) => connectionsStage(s, { concurrency: o.concurrency }) },
    { id: 'extraction', run: (s) => extractionStage(s) },
  ],

  /**
   * Only the operations the main table quotes (`operations: headline` in the scenario): the parallel
   * migration (no one-at-a-time pass, no migration under load), pg_dump -Fc and one single-tenant
   * method per tier, each restored and verified, and each layout's total sizes (no per-tenant detail).
   * Connections, extraction and the rest stay in `operations: full` (npm run bench:full).
   */
  headlineOperations: (o: { parallel?: number; jobs?: number } = {}): Stage[] => [
    stages.migrate({
      parallel: o.parallel ?? 2,
      underLoadSkipReason: 'not in operations: headline (npm run bench:full measures it)',
    }),
    stages.backup({ jobs: o.jobs ?? 2, fullFormats: ['custom'], firstMethodOnly: true, fullRestoreIndexes: false }),
    { id: 'sizes', run: totalSizesStage },
  ],

  /** The tenant-scale sweep: one step per tenant count, each with its own seed, workload and operations. */
  sweep: (o: SweepOptions): Stage => ({ id: 'sweep', run: (s) => tenantSweepStage(s, o) }),
};

/** Each layout's total sizes (tables, indexes, TOAST, databases, relations) without the per-tenant detail. */
async function totalSizesStage(s: RunSession): Promise<void> {
  for (const name of s.layouts) {
    const base = await layoutOf(name).sizes(s.ctx);
    s.summary.layouts[name]!.sizes = base;
    s.flush();
    s.out(`${name}: sizes: ${base.databaseBytes} B in ${base.databases} database(s), indexes ${base.indexBytes} B`);
  }
}
