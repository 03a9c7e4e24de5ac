#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { commandsFor } from './commands/command-table.js';
import { SessionError } from './pipeline/session-error.js';
import { BundleWriteError } from './results/bundle-write-error.js';
import { EXIT, errorMessage, exitCodeOf, interruptExitCode } from './errors.js';
import { interruptSignal, runCleanups } from './lifecycle.js';
import { harnessVersion } from './paths.js';

/**
 * The one place errors become exit codes: commander's own (help and version 0, a bad flag or
 * command 2), an interrupted run 130 (SIGINT) or 143 (SIGTERM) whatever broke first as its server
 * was stopped, then each HarnessError's code (src/errors.ts); anything else is a failed run (1).
 */
function exitCodeFor(err: unknown): number {
  if (err instanceof CommanderError) {
    // --help, --version and `help` exit 0; help shown because the command is missing (bare
    // `tenantbench`: commander's help({ error: true }), on stderr) is bad input: 2.
    const shown = err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help';
    return shown && err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  const signal = interruptSignal();
  if (signal) return interruptExitCode(signal);
  return exitCodeOf(err);
}

/** Thin: parse arguments, dispatch to commands/*, map errors to exit codes (exitCodeFor). */
async function main(argv: string[]): Promise<number> {
  const program = new Command()
    .name('tenantbench')
    .description('Compare PostgreSQL multi-tenant isolation strategies (shared, rls, schema, database, hybrid) with real measurements.')
    .version(harnessVersion())
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  program.configureHelp({ sortSubcommands: false });
  for (const register of await commandsFor(argv.slice(2))) register(program);
  for (const c of program.commands) c.exitOverride();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    const code = exitCodeFor(err);
    // Commander has already printed its message (and the usage hint) for its own errors.
    if (err instanceof CommanderError) return code;
    process.stderr.write(`tenantbench: ${errorMessage(err)}\n`);
    const bundle = err instanceof SessionError ? err.bundle : null;
    // A bundle that could not be written holds nothing to point at (its error names it).
    if (bundle && !((err as SessionError).cause instanceof BundleWriteError))
      process.stderr.write(`results gathered so far: ${bundle.dir}\n`);
    return code;
  } finally {
    await runCleanups();
  }
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`tenantbench: ${errorMessage(err)}\n`);
    process.exitCode = exitCodeFor(err);
  },
);
