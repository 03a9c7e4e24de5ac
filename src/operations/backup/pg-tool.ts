/**
 * Runs PostgreSQL's client tools (pg_dump, pg_restore) against the target. The password goes in the
 * child's environment (PGPASSWORD), never on the command line, in logs or in results.
 */
import { spawn } from 'node:child_process';
import { statSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import createDebug from 'debug';
import { findClientTool } from '../../target/pg-binaries.js';
import type { ConnParams, Target } from '../../target/target.js';
import { stopwatch } from '../../measure/timer.js';
import { HarnessError } from '../../errors.js';

const debug = createDebug('tenantbench:backup');

export interface ToolUser {
  name: string;
  password: string;
}

/** pg_dump or pg_restore failed (exit 1); `stderr` keeps the tool's own words. */
export class ToolError extends HarnessError {
  constructor(
    message: string,
    readonly tool: string,
    readonly stderr: string,
  ) {
    super(message);
  }
}

/** Connection flags for a client tool; the password is not among them. */
export function connArgs(p: ConnParams, db: string, user?: ToolUser): string[] {
  return ['-h', p.host, '-p', String(p.port), '-U', user?.name ?? p.user, '-d', db];
}

/**
 * Run `tool args`, resolve with its wall-clock seconds; reject with ToolError (stderr's last lines)
 * on a non-zero exit. `pgOptions` is passed as PGOPTIONS (e.g. `-c app.tenant_id=<uuid>`).
 */
export function runTool(toolPath: string, args: string[], o: { password: string; pgOptions?: string }): Promise<number> {
  const sw = stopwatch();
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, PGPASSWORD: o.password, PGCONNECT_TIMEOUT: '10' };
    delete env.PGOPTIONS;
    if (o.pgOptions) env.PGOPTIONS = o.pgOptions;
    debug('%s %s', toolPath, args.join(' '));
    const child = spawn(toolPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (stderr.length > 64_000) stderr = stderr.slice(-32_000);
    });
    child.on('error', (err) => reject(new ToolError(`${toolPath}: ${err.message}`, toolPath, stderr)));
    child.on('close', (code, signal) => {
      if (code === 0) resolve(sw.seconds());
      else {
        const tail = stderr.trim().split('\n').slice(-3).join(' | ');
        reject(new ToolError(`${toolPath.split('/').pop()} exited with ${code ?? signal}: ${tail}`, toolPath, stderr));
      }
    });
  });
}

/** Bytes of a file, or of every file under a directory (the -Fd format). */
export function diskBytes(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.size;
  return readdirSync(path).reduce((acc, f) => acc + diskBytes(join(path, f)), 0);
}

export interface ClientTools {
  pgDump: string;
  pgRestore: string;
  /** "pg_dump 15 at /usr/lib/postgresql/15/bin/pg_dump" */
  description: string;
}

/** pg_dump and pg_restore of a major >= the server's, or the reason there are none. */
export function clientTools(target: Target, serverVersionNum: number): ClientTools | { reason: string } {
  const major = Math.floor(serverVersionNum / 10000);
  const prefer = target.binaries?.binDir;
  const dump = findClientTool('pg_dump', major, prefer);
  if (dump.path === null) return { reason: dump.reason };
  const restore = findClientTool('pg_restore', major, prefer);
  if (restore.path === null) return { reason: restore.reason };
  return { pgDump: dump.path, pgRestore: restore.path, description: `pg_dump ${dump.major} (${dump.path})` };
}
