import type { MigrationBuilder } from 'node-pg-migrate';

/**
 * A CHECK constraint the way it is done on live tables: NOT VALID (instant), then VALIDATE
 * (a scan under SHARE UPDATE EXCLUSIVE, writes keep going). Both in the unit's transaction: a row
 * that violates it rolls back every change of this run for that tenant.
 */
export const up = (pgm: MigrationBuilder): void => {
  pgm.sql('ALTER TABLE orders ADD CONSTRAINT orders_total_nonnegative CHECK (total >= 0) NOT VALID');
  pgm.sql('ALTER TABLE orders VALIDATE CONSTRAINT orders_total_nonnegative');
};

export const down = (pgm: MigrationBuilder): void => {
  pgm.sql('ALTER TABLE orders DROP CONSTRAINT orders_total_nonnegative');
};
