import pg from 'pg';
import type { ClientConfig } from 'pg';
import type { Target } from '../target/target.js';

/** Run `fn` with a fresh connection to `database` as the admin role, and always close it. */
export async function withAdmin<T>(target: Target, database: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  return withClient(target.config(database), fn);
}

export async function withClient<T>(config: ClientConfig, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client(config);
  await c.connect();
  // Timestamps and numbers render the same in every session (checksums depend on it).
  await c.query("SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET extra_float_digits = 1");
  try {
    return await fn(c);
  } finally {
    await c.end().catch(() => {});
  }
}

/** Run tasks with at most `concurrency` in flight; the first failure stops handing out new ones. */
export async function runLimited<T>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed: unknown = null;
  const worker = async () => {
    while (failed === null && next < items.length) {
      const i = next++;
      try {
        await fn(items[i]!, i);
      } catch (err) {
        failed ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  if (failed !== null) throw failed;
}
