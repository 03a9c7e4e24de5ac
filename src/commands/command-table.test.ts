import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Command } from 'commander';
import { commandsFor } from './command-table.js';

const namesOf = (registers: Awaited<ReturnType<typeof commandsFor>>): string[] => {
  const program = new Command();
  for (const register of registers) register(program);
  return program.commands.map((c) => c.name());
};

describe('command table', () => {
  it('help, no command or an unknown one: every command, in help order', async () => {
    const all = ['all', 'seed', 'run', 'verify', 'migrate', 'backup', 'operations', 'report', 'compare', 'ab', 'scenarios'];
    for (const args of [[], ['--help'], ['help', 'run'], ['sedd'], ['-V']])
      assert.deepEqual(namesOf(await commandsFor(args)), all, args.join(' '));
  });

  it('a named command: that command alone, whatever its flags, under the name it is looked up by', async () => {
    for (const name of ['all', 'seed', 'run', 'verify', 'migrate', 'backup', 'operations', 'report', 'compare', 'ab', 'scenarios'])
      assert.deepEqual(namesOf(await commandsFor(['--no-color', name, '--scenario', 'smoke'])), [name]);
  });
});
