import { connect } from '../db/client.js';
import { TargetError } from '../errors.js';
import { registerCleanup } from '../lifecycle.js';
import { serverSettings } from './server-settings.js';
import type { SettingsProfile } from './server-settings.js';
import { clientConfig } from './target.js';
import type { ConnParams, Target } from './target.js';

/** Pinned image: the same major as the embedded default, so results compare. */
export const POSTGRES_IMAGE = 'postgres:15.18';

/**
 * A PostgreSQL container started with testcontainers, with the same settings as the embedded
 * target. Needs a Docker engine; without one, a clear TargetError says so (no silent fallback).
 */
export class TestcontainersTarget implements Target {
  readonly kind = 'testcontainers' as const;
  readonly binaries = null;
  private stopped = false;
  private unregister: () => void = () => {};

  private constructor(
    readonly admin: ConnParams,
    readonly appliedSettings: Readonly<Record<string, string>>,
    private readonly container: { stop(): Promise<unknown> },
  ) {}

  get description(): string {
    return `PostgreSQL container ${POSTGRES_IMAGE} (testcontainers) on ${this.admin.host}:${this.admin.port}`;
  }

  config(database: string, user?: { name: string; password: string }) {
    return clientConfig(this.admin, database, user);
  }

  static async start(
    opts: { profile?: SettingsProfile; settings?: Record<string, string>; log?: (l: string) => void } = {},
  ): Promise<TestcontainersTarget> {
    const { GenericContainer, Wait, getContainerRuntimeClient } = await import('testcontainers');
    try {
      await getContainerRuntimeClient();
    } catch (err) {
      throw new TargetError(
        `--target testcontainers needs a Docker engine, and none is reachable (${(err as Error).message.split('\n')[0]}). ` +
          'Start Docker, or use --target embedded (the default) or --database-url.',
      );
    }
    const profile = opts.profile ?? 'benchmark';
    const settings = { ...serverSettings(profile), ...(opts.settings ?? {}) };
    const password = 'tenantbench';
    const container = await new GenericContainer(POSTGRES_IMAGE)
      .withEnvironment({ POSTGRES_USER: 'tenantbench', POSTGRES_PASSWORD: password, POSTGRES_DB: 'postgres' })
      .withCommand(['postgres', ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])])
      .withSharedMemorySize(2 * 1024 ** 3)
      .withExposedPorts(5432)
      .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
      .start();
    const admin: ConnParams = {
      host: container.getHost(),
      port: container.getMappedPort(5432),
      user: 'tenantbench',
      password,
      database: 'postgres',
    };
    const target = new TestcontainersTarget(admin, { ...settings, profile }, container);
    target.unregister = registerCleanup({ name: 'PostgreSQL container', cleanup: () => target.stop() });
    // The container logged "ready"; one connection proves the mapped port reaches it.
    await (await connect(target.config('postgres'), { sessionSettings: false })).end();
    opts.log?.(target.description);
    return target;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.unregister();
    await this.container.stop();
  }
}
