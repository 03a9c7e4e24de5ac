import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { addOutputOptions, addScenarioOptions, addTargetOptions, positiveInt, resolveCommon } from './common-options.js';
import type { CommonOpts } from './common-options.js';
import { loadPipeline } from './load-pipeline.js';

export interface BackupOpts extends CommonOpts {
  seeded?: boolean;
  jobs: number;
  tenant: string[];
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function registerBackup(program: Command): void {
  const cmd = program
    .command('backup')
    .description(
      'Back up every layout with pg_dump/pg_restore of a version compatible with the server: full (-Fc, and -Fd -j N), and one tenant ' +
        '(pg_dump -n for schema, the tenant database for database, a COPY export and pg_dump --enable-row-security as the RLS role for pooled tables). ' +
        'Every backup is restored into a fresh database and checksummed against the source; a restore that loses a row fails the backup (exit 1). Seeds first unless --seeded.',
    );
  addOutputOptions(addTargetOptions(addScenarioOptions(cmd)))
    .option('--seeded', 'do not seed: back up the layouts an earlier `seed` left on the target (--pg-data or --database-url)')
    .option('-j, --jobs <n>', 'parallel jobs for pg_dump -Fd and pg_restore', positiveInt('--jobs'), 2)
    .option(
      '--tenant <slug>',
      'tenant to back up on its own (repeatable; default: the largest, and in hybrid the largest of each tier)',
      collect,
      [],
    )
    .action(async (opts: BackupOpts) => {
      const { scenario, target } = resolveCommon(opts);
      for (const slug of opts.tenant) {
        const n = /^t(\d{4,})$/.exec(slug);
        if (!n || Number(n[1]) < 1 || Number(n[1]) > scenario.tenants) {
          throw new UsageError(
            `--tenant "${slug}": not a tenant of this scenario (t0001..t${String(scenario.tenants).padStart(4, '0')})`,
            'tenant',
          );
        }
      }
      const { runPipeline, stages } = await loadPipeline();
      const s = await runPipeline(
        { command: 'backup', scenario, target, resultsDir: opts.resultsDir, prefix: opts.prefix, quiet: opts.quiet },
        [stages.seed({ reuse: opts.seeded }), stages.backup({ jobs: opts.jobs, tenants: opts.tenant })],
      );
      process.stdout.write(`results: ${s.bundle.dir}\n`);
    });
}
