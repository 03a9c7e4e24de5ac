/**
 * The harness's temporary directories (backup dumps, ...) live in one root per process under the OS
 * temporary directory: the lifecycle removes it on every exit it sees (normal, failure, SIGINT,
 * SIGTERM, process exit), and a detached watchdog removes it when the harness is killed without
 * warning (SIGKILL, OOM killer), so a tenant's dump is never left in /tmp.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerCleanup } from './lifecycle.js';
import { startDirectoryWatchdog } from './target/embedded-target.js';

let root: string | null = null;

const removeDir = (dir: string) => rmSync(dir, { recursive: true, force: true, maxRetries: 3, retryDelay: 100 });

function harnessTempRoot(): string {
  if (root) return root;
  const dir = mkdtempSync(join(tmpdir(), 'tenantbench-tmp-'));
  root = dir;
  startDirectoryWatchdog(dir);
  registerCleanup({
    name: `temporary directory ${dir}`,
    cleanup: async () => {
      removeDir(dir);
      if (root === dir) root = null;
    },
    emergency: () => removeDir(dir),
  });
  return dir;
}

/** A new temporary directory (`<prefix>XXXXXX`) inside the harness's root; the caller removes it when done. */
export function harnessTempDir(prefix: string): string {
  return mkdtempSync(join(harnessTempRoot(), prefix));
}
