import { UsageError } from '../errors.js';
import { EmbeddedTarget } from './embedded-target.js';
import type { SettingsProfile } from './server-settings.js';
import type { Target, TargetKind } from './target.js';
import { PlacedTarget } from './placed-target.js';
import type { PlacementSpec } from './placement.js';
import { TestcontainersTarget } from './testcontainers-target.js';
import { UrlTarget } from './url-target.js';

export const TARGET_KINDS: readonly TargetKind[] = ['embedded', 'url', 'testcontainers'];

export interface TargetOptions {
  target: TargetKind;
  databaseUrl?: string;
  pgBin?: string;
  pgData?: string;
  preferEmbeddedPackage?: boolean;
  profile?: SettingsProfile;
  settings?: Record<string, string>;
  /** Embedded target: nice levels added to the server relative to the harness. */
  serverNice?: number;
  log?: (line: string) => void;
  /** Several servers (src/target/placement.ts); null or absent = one server. */
  placement?: PlacementSpec | null;
}

/** Validation that needs no server: run before anything touches a database. */
export function checkTargetOptions(o: TargetOptions): void {
  if (!TARGET_KINDS.includes(o.target)) {
    throw new UsageError(`--target "${o.target}": allowed values are ${TARGET_KINDS.join(', ')}`, 'target');
  }
  if (o.target === 'url' && !o.databaseUrl) throw new UsageError('--target url needs --database-url postgres://...', 'database-url');
  if (o.target !== 'url' && o.databaseUrl && o.target !== 'embedded') {
    throw new UsageError(`--database-url is only used with --target url (got --target ${o.target})`, 'database-url');
  }
  if (o.databaseUrl) UrlTarget.parse(o.databaseUrl);
}

export async function openTarget(o: TargetOptions): Promise<Target> {
  if (o.placement) {
    return PlacedTarget.open(o.placement, {
      pgBin: o.pgBin,
      preferEmbeddedPackage: o.preferEmbeddedPackage,
      profile: o.profile,
      settings: o.settings,
      serverNice: o.serverNice,
      log: o.log,
    });
  }
  // A --database-url alone means "use that server".
  const kind = o.databaseUrl ? 'url' : o.target;
  if (kind === 'url') return UrlTarget.open(o.databaseUrl!);
  if (kind === 'testcontainers') return TestcontainersTarget.start({ profile: o.profile, settings: o.settings, log: o.log });
  return EmbeddedTarget.start({
    pgBin: o.pgBin,
    dataDir: o.pgData,
    preferEmbeddedPackage: o.preferEmbeddedPackage,
    profile: o.profile,
    settings: o.settings,
    serverNice: o.serverNice,
    log: o.log,
  });
}
