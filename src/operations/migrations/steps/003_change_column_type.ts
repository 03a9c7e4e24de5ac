import type { MigrationBuilder } from 'node-pg-migrate';

/**
 * integer -> bigint is not binary compatible: the whole table is rewritten and every index on it
 * rebuilt under ACCESS EXCLUSIVE (the "alter column" of the seed article). The values render the
 * same, so the per-tenant checksums do not change.
 */
export const up = (pgm: MigrationBuilder): void => {
  pgm.sql('ALTER TABLE order_items ALTER COLUMN quantity TYPE bigint');
};

export const down = (pgm: MigrationBuilder): void => {
  pgm.sql('ALTER TABLE order_items ALTER COLUMN quantity TYPE integer');
};
