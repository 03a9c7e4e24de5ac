/**
 * The bench scripts' command lines: node's parseArgs (strict), plus `--help` and a check of every
 * value. `--help` prints the script's usage (its USAGE text, the one place it is written) and exits
 * 0; an unknown option, a missing value or a bad one prints what is wrong, naming the option and its
 * allowed values (or the options there are), and exits 2. Scripts parse at import, so this happens before any server starts.
 */
import { parseArgs } from 'node:util';

/** What a string option accepts: a test and how to say it ("a whole number > 0", "benchmark|test"). */
export interface Allowed {
  ok(value: string): boolean;
  says: string;
}

const numberOf = (v: string) => (v.trim() === '' ? Number.NaN : Number(v));

export const positiveInt: Allowed = { ok: (v) => Number.isInteger(numberOf(v)) && numberOf(v) > 0, says: 'a whole number > 0' };
export const positiveNumber: Allowed = { ok: (v) => numberOf(v) > 0 && Number.isFinite(numberOf(v)), says: 'a number > 0' };
export const nonNegativeNumber: Allowed = { ok: (v) => numberOf(v) >= 0 && Number.isFinite(numberOf(v)), says: 'a number >= 0' };

export function oneOf(values: readonly string[]): Allowed {
  return { ok: (v) => values.includes(v), says: values.join('|') };
}

/** The embedded server's settings profiles (src/target/server-settings.ts). */
export const settingsProfile: Allowed = oneOf(['benchmark', 'test']);

export function listOf(item: Allowed): Allowed {
  return { ok: (v) => v.split(',').every((x) => item.ok(x.trim())), says: `a comma-separated list, each ${item.says}` };
}

export type BenchOption = { type: 'string'; default?: string; allowed: Allowed } | { type: 'boolean'; default?: boolean };

type Values<O extends Record<string, BenchOption>> = ReturnType<typeof parseArgs<{ options: O; strict: true }>>['values'];

/** parseArgs's message without its advice lines: "Unknown option '--x'". */
const firstSentence = (m: string) => (m.split('\n')[0] ?? m).split('. ')[0]!.replace(/\.$/, '');

/** Parsed values, or the text to print and the exit code (0 for --help, 2 for bad input). */
export function parseBenchArgs<O extends Record<string, BenchOption>>(
  usage: string,
  options: O,
  args: string[],
): { values: Values<O> } | { exitCode: 0 | 2; text: string } {
  const help = `usage: ${usage.trim()}\n`;
  const config = Object.fromEntries(
    Object.entries(options).map(([name, o]) => [name, o.default === undefined ? { type: o.type } : { type: o.type, default: o.default }]),
  );
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args, options: { ...config, help: { type: 'boolean', short: 'h' } }, strict: true });
  } catch (err) {
    const known = Object.keys(options)
      .map((n) => `--${n}`)
      .join(', ');
    return { exitCode: 2, text: `${firstSentence((err as Error).message)}; the options are ${known}, --help\n` };
  }
  if (parsed.values.help === true) return { exitCode: 0, text: help };
  for (const [name, o] of Object.entries(options)) {
    const v = parsed.values[name];
    if (o.type === 'string' && typeof v === 'string' && !o.allowed.ok(v))
      return { exitCode: 2, text: `bad value for --${name}: '${v}' (allowed: ${o.allowed.says}; --help for the usage)\n` };
  }
  return { values: parsed.values as Values<O> };
}

/** parseBenchArgs on this process's arguments: --help and bad input print and exit here. */
export function benchArgs<O extends Record<string, BenchOption>>(usage: string, options: O): Values<O> {
  const r = parseBenchArgs(usage, options, process.argv.slice(2));
  if ('values' in r) return r.values;
  (r.exitCode === 0 ? process.stdout : process.stderr).write(r.text);
  process.exit(r.exitCode);
}
