import type { Probe } from './probe.js';
import { appFilterOmitted } from './probes/app-filter-omitted.js';
import { connectOtherDatabase } from './probes/connect-other-database.js';
import { deleteOtherTenant } from './probes/delete-other-tenant.js';
import { emptyContextAfterLocal } from './probes/empty-context-after-local.js';
import { cancelOtherTenant, connectionLimit, lockSharedTable, roleSettings } from './probes/cross-tenant-dos.js';
import { fkExistenceOracle } from './probes/fk-existence-oracle.js';
import { activitySqlText, globalIdCounter, plannerStatistics, statisticsViews } from './probes/metadata-side-channels.js';
import { guessableCredentials } from './probes/guessable-credentials.js';
import { insertForOtherTenant } from './probes/insert-for-other-tenant.js';
import { leakyFunction } from './probes/leaky-function.js';
import { moveRowToOtherTenant } from './probes/move-row-to-other-tenant.js';
import { noTenantContext } from './probes/no-tenant-context.js';
import { pooledSessionResidue } from './probes/pooled-session-residue.js';
import { poolResidueProbes } from './probes/pool-residue.js';
import { readByScan } from './probes/read-by-scan.js';
import { readById } from './probes/read-by-id.js';
import { readThroughAggregate } from './probes/read-through-aggregate.js';
import { readThroughJoin } from './probes/read-through-join.js';
import { roleConfiguration } from './probes/role-configuration.js';
import { schemaQualifiedName } from './probes/schema-qualified-name.js';
import { securityDefinerBypass } from './probes/security-definer-bypass.js';
import { sharedSequence } from './probes/shared-sequence.js';
import { switchTenantContext } from './probes/switch-tenant-context.js';
import { uniqueViolationOracle } from './probes/unique-violation-oracle.js';
import { updateOtherTenant } from './probes/update-other-tenant.js';
import { viewOwnerBypass } from './probes/view-owner-bypass.js';

/** Every probe, in report order. Adding a probe = one file in probes/ + one line here. */
export const PROBES: readonly Probe[] = [
  readById,
  readByScan,
  readThroughJoin,
  readThroughAggregate,
  updateOtherTenant,
  deleteOtherTenant,
  insertForOtherTenant,
  moveRowToOtherTenant,
  noTenantContext,
  emptyContextAfterLocal,
  switchTenantContext,
  schemaQualifiedName,
  connectOtherDatabase,
  fkExistenceOracle,
  uniqueViolationOracle,
  sharedSequence,
  globalIdCounter,
  plannerStatistics,
  activitySqlText,
  statisticsViews,
  viewOwnerBypass,
  securityDefinerBypass,
  leakyFunction,
  roleConfiguration,
  guessableCredentials,
  roleSettings,
  cancelOtherTenant,
  lockSharedTable,
  connectionLimit,
  pooledSessionResidue,
  ...poolResidueProbes,
  appFilterOmitted,
];

export function probe(id: string): Probe {
  const p = PROBES.find((x) => x.id === id);
  if (!p) throw new Error(`unknown probe "${id}"; known: ${PROBES.map((x) => x.id).join(', ')}`);
  return p;
}
