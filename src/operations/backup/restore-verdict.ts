/**
 * The verdict on a restore, from checksums alone (no I/O): the restored tenants must have the
 * source's rows and the source's checksum, and nothing of other tenants. Row counts alone are not
 * enough: a restore whose counts match but whose data differs is a failed restore.
 */
import type { TableChecksums } from '../../layouts/layout.js';
import type { RestoreCheck } from '../../results/backup-schema.js';
import { datasetChecksum, tenantChecksum } from '../../seed-check.js';
import { TENANT_TABLES } from '../../../seed/tenant-plan.js';

const rowsOf = (t: TableChecksums) => TENANT_TABLES.reduce((a, tb) => a + t[tb].rows, 0);

/** Compare expected and restored checksums of the same tenants. */
export function compareRestore(
  method: string,
  expected: Map<string, TableChecksums>,
  restored: Map<string, TableChecksums> | null,
  o: { seconds: number | null; foreign: number | null; error: string | null },
): RestoreCheck {
  const sum = (m: Map<string, TableChecksums>) => datasetOrTenant(m);
  const rowsExpected = [...expected.values()].reduce((a, t) => a + rowsOf(t), 0);
  const rowsRestored = restored ? [...restored.values()].reduce((a, t) => a + rowsOf(t), 0) : null;
  const checksumRestored = restored ? sum(restored) : null;
  const checksumExpected = sum(expected);
  const ok =
    o.error === null &&
    restored !== null &&
    checksumRestored === checksumExpected &&
    rowsRestored === rowsExpected &&
    (o.foreign ?? 0) === 0;
  let error = o.error;
  if (!error && !ok) {
    const diffs: string[] = [];
    for (const [slug, t] of expected) {
      for (const table of TENANT_TABLES) {
        const g = restored?.get(slug)?.[table];
        if (!g || g.rows !== t[table].rows || g.hash !== t[table].hash)
          diffs.push(
            `${slug}.${table}: ${g?.rows ?? 'none'} of ${t[table].rows} rows${g && g.rows === t[table].rows ? ', hash differs' : ''}`,
          );
      }
    }
    if (o.foreign) diffs.push(`${o.foreign} rows of other tenants`);
    error = `restore does not match the source: ${diffs.slice(0, 5).join('; ')}`;
  }
  return {
    method,
    status: ok ? 'ok' : 'failed',
    seconds: o.seconds,
    rowsExpected,
    rowsRestored,
    rowsLost: rowsRestored === null ? null : rowsExpected - rowsRestored,
    checksumExpected,
    checksumRestored,
    foreignRows: o.foreign,
    error,
  };
}

/** One tenant: its tenant checksum; several: the dataset checksum over them. */
function datasetOrTenant(m: Map<string, TableChecksums>): string {
  if (m.size === 1) return tenantChecksum([...m.values()][0]!);
  return datasetChecksum(m);
}
