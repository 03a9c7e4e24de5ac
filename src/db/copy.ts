/**
 * COPY streams (pg-copy-streams) on a connection from src/db: rows out of the server as a Readable,
 * into it from a Writable; pipe them with stream/promises' pipeline.
 */
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import pgCopy from 'pg-copy-streams';
import type { DbClient } from './types.js';

/** The driver's client behind a DbClient: every DbClient is one (src/db makes them all). */
function driverOf(c: DbClient): pg.ClientBase {
  return c as unknown as pg.ClientBase;
}

/** `COPY ... TO STDOUT` as a stream of the server's output. */
export function copyTo(c: DbClient, sql: string): Readable {
  return driverOf(c).query(pgCopy.to(sql));
}

/** `COPY ... FROM STDIN` as a stream the caller writes the data into. */
export function copyFrom(c: DbClient, sql: string): Writable {
  return driverOf(c).query(pgCopy.from(sql));
}

/** `COPY ... FROM STDIN` fed from `source`; resolves to the rows the server took. */
export async function copyFromSource(c: DbClient, sql: string, source: Readable): Promise<number> {
  const sink = driverOf(c).query(pgCopy.from(sql));
  await pipeline(source, sink);
  return Number(sink.rowCount ?? 0);
}
