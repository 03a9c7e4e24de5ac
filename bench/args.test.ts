import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { listOf, nonNegativeNumber, oneOf, parseBenchArgs, positiveInt, positiveNumber } from './args.js';

const OPTIONS = {
  quick: { type: 'boolean', default: false },
  rows: { type: 'string', default: '100', allowed: positiveInt },
  threads: { type: 'string', default: '1,2', allowed: listOf(positiveInt) },
  profile: { type: 'string', allowed: oneOf(['benchmark', 'test']) },
} as const;
const parse = (args: string[]) => parseBenchArgs('x [--rows N]', OPTIONS, args);
/** The values as a plain object (parseArgs gives a null-prototype one). */
const valuesOf = (args: string[]) => {
  const r = parse(args);
  return 'values' in r ? { ...r.values } : r;
};

describe('bench script arguments', () => {
  it('gives the values, defaults included', () => {
    assert.deepEqual(valuesOf(['--rows', '5', '--quick']), { quick: true, rows: '5', threads: '1,2' });
    assert.deepEqual(valuesOf(['--profile=test', '--threads', '1, 4']), { quick: false, rows: '100', threads: '1, 4', profile: 'test' });
  });
  it('--help: the usage, exit 0', () => {
    assert.deepEqual(parse(['--rows', '5', '--help']), { exitCode: 0, text: 'usage: x [--rows N]\n' });
    assert.deepEqual(parse(['-h']), { exitCode: 0, text: 'usage: x [--rows N]\n' });
  });
  it('an unknown option, a missing value or a positional: exit 2, naming it and the options there are', () => {
    for (const [args, said] of [
      [['--bogus'], /Unknown option '--bogus'/],
      [['--rows'], /'--rows <value>' argument missing/],
      [['--quick=1'], /'--quick' does not take an argument/],
      [['extra'], /Unexpected argument 'extra'/],
    ] as const) {
      const r = parse([...args]);
      assert.ok('exitCode' in r && r.exitCode === 2, JSON.stringify(r));
      assert.match(r.text, said);
      assert.match(r.text, /the options are --quick, --rows, --threads, --profile, --help\n$/);
      assert.equal(r.text.split('\n').length, 2, 'one line, no advice lines');
    }
  });
  it('a bad value: exit 2, naming the option and its allowed values', () => {
    for (const [args, said] of [
      [['--rows', '0'], "bad value for --rows: '0' (allowed: a whole number > 0;"],
      [['--rows', '2.5'], "bad value for --rows: '2.5'"],
      [['--rows', ''], "bad value for --rows: ''"],
      [['--threads', '1,x'], "bad value for --threads: '1,x' (allowed: a comma-separated list, each a whole number > 0;"],
      [['--profile', 'fast'], "bad value for --profile: 'fast' (allowed: benchmark|test;"],
    ] as const) {
      const r = parse([...args]);
      assert.ok('exitCode' in r && r.exitCode === 2, JSON.stringify(r));
      assert.ok(r.text.startsWith(said), r.text);
    }
  });
  it('number checks', () => {
    assert.deepEqual(['1', '0.5', '0', '-1', 'x', ' '].map(positiveNumber.ok), [true, true, false, false, false, false]);
    assert.deepEqual(['0', '2', '-0.1', 'Infinity'].map(nonNegativeNumber.ok), [true, true, false, false]);
  });
});
