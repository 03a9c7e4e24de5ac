/**
 * node-postgres' own types, for the few places that still need the driver's objects rather than
 * src/db's narrow types (./types.ts): libraries built on node-postgres (node-pg-migrate takes its
 * Client).
 * Type-only: importing this module loads no driver.
 */
import type pg from 'pg';

/** A connected node-postgres Client (it satisfies DbClient). */
export type DriverClient = pg.Client;
