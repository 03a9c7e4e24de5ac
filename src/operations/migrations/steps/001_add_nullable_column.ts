import type { MigrationBuilder } from 'node-pg-migrate';

/** A nullable column without a default: a catalog-only change (no rewrite), ACCESS EXCLUSIVE for an instant. */
export const up = (pgm: MigrationBuilder): void => {
  pgm.sql('ALTER TABLE orders ADD COLUMN external_ref text');
};

export const down = (pgm: MigrationBuilder): void => {
  pgm.sql('ALTER TABLE orders DROP COLUMN external_ref');
};
