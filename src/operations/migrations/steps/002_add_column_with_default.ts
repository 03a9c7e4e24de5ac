import type { MigrationBuilder } from 'node-pg-migrate';

/** NOT NULL with a constant default: since PostgreSQL 11 the default is kept in the catalog (no rewrite). */
export const up = (pgm: MigrationBuilder): void => {
  pgm.sql("ALTER TABLE customers ADD COLUMN lifecycle text NOT NULL DEFAULT 'active'");
};

export const down = (pgm: MigrationBuilder): void => {
  pgm.sql('ALTER TABLE customers DROP COLUMN lifecycle');
};
