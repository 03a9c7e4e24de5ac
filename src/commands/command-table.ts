import type { Command } from 'commander';

type Register = (program: Command) => void;

/**
 * Every command in help order, with the module that registers it. A CLI start imports only the
 * command it runs (each module pulls in its own pipeline); help, a missing or an unknown command
 * load them all, so the command list and commander's suggestions stay complete.
 */
const COMMANDS: ReadonlyArray<readonly [string, () => Promise<Register>]> = [
  ['all', async () => (await import('./all-command.js')).registerAll],
  ['seed', async () => (await import('./seed-command.js')).registerSeed],
  ['run', async () => (await import('./run-command.js')).registerRun],
  ['verify', async () => (await import('./verify-command.js')).registerVerify],
  ['migrate', async () => (await import('./migrate-command.js')).registerMigrate],
  ['backup', async () => (await import('./backup-command.js')).registerBackup],
  ['operations', async () => (await import('./operations-command.js')).registerOperations],
  ['report', async () => (await import('./report-command.js')).registerReport],
  ['compare', async () => (await import('./compare-command.js')).registerCompare],
  ['ab', async () => (await import('./ab-command.js')).registerAb],
  ['scenarios', async () => (await import('./scenarios-command.js')).registerScenarios],
];

/** The register functions for these arguments (argv without node and the script): the named command's, else all. */
export async function commandsFor(args: readonly string[]): Promise<Register[]> {
  // The program takes no option with a value, so its first positional argument is the command.
  const name = args.find((a) => !a.startsWith('-'));
  const named = COMMANDS.find(([n]) => n === name);
  return Promise.all((named ? [named] : COMMANDS).map(([, load]) => load()));
}
