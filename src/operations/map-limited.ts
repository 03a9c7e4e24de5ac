/**
 * Run `fn` over `items` with at most `concurrency` in flight and collect every result in input
 * order. Unlike runLimited, one failure does not stop the others: operations across tenants report
 * each tenant's outcome (fn is expected to return an outcome rather than throw).
 */
export async function mapLimited<T, R>(items: readonly T[], concurrency: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return out;
}

/** min / median / max / sum of a list of seconds; null for an empty list. */
export function spread(xs: readonly number[]): { min: number; median: number; max: number; sum: number } | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { min: s[0]!, median, max: s[s.length - 1]!, sum: s.reduce((a, b) => a + b, 0) };
}
