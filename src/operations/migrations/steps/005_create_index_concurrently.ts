import type { MigrationBuilder } from 'node-pg-migrate';

const NAME = 'orders_status_created_idx';

/**
 * CREATE INDEX CONCURRENTLY cannot run in a transaction block, so this step runs on its own after
 * the transactional ones have committed. A failed concurrent build leaves an INVALID index behind:
 * drop it first so a re-run can build it again. Pooled tables lead with tenant_id like every other index.
 */
export const up = async (pgm: MigrationBuilder): Promise<void> => {
  pgm.noTransaction();
  const pooled = await pgm.db.select(
    "SELECT 1 FROM pg_attribute WHERE attrelid = 'orders'::regclass AND attname = 'tenant_id' AND NOT attisdropped",
  );
  const cols = pooled.length ? 'tenant_id, status, created_at DESC' : 'status, created_at DESC';
  pgm.sql(`DROP INDEX CONCURRENTLY IF EXISTS ${NAME}`);
  pgm.sql(`CREATE INDEX CONCURRENTLY ${NAME} ON orders (${cols})`);
};

export const down = (pgm: MigrationBuilder): void => {
  pgm.noTransaction();
  pgm.sql(`DROP INDEX CONCURRENTLY IF EXISTS ${NAME}`);
};
