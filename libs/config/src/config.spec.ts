import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadConfig, loadWorkerPort } from './config';
import { businessDate } from './zone';

describe('configuration by environment', () => {
  const dir = mkdtempSync(join(tmpdir(), 'loanflow-config-'));
  const secret = 'a-secret-of-at-least-32-bytes-0123';
  const base = { SQLITE_PATH: join(dir, 'x.db'), JWT_SECRET: secret };

  it('has working defaults', () => {
    expect(loadConfig(base)).toEqual({
      port: 3000,
      eventStore: 'sqlite',
      sqlitePath: base.SQLITE_PATH,
      groupCommitMaxBatch: 500,
      jwtSecret: secret,
      jwtSecretSource: 'JWT_SECRET',
      jwtMaxLifetimeHours: 12,
      businessTimeZone: 'Asia/Shanghai',
    });
    expect(
      loadConfig({
        ...base,
        PORT: '8080',
        JWT_ISSUER: 'coop',
        JWT_AUDIENCE: 'loanflow',
        BUSINESS_TIME_ZONE: 'UTC',
        DASHBOARD_DIR: '/srv/dashboard',
      }),
    ).toMatchObject({
      port: 8080,
      jwtIssuer: 'coop',
      jwtAudience: 'loanflow',
      businessTimeZone: 'UTC',
      dashboardDir: '/srv/dashboard',
    });
  });

  it('selects a server-backed log by EVENT_STORE and its URLs', () => {
    expect(loadConfig({ ...base, EVENT_STORE: 'postgres', DATABASE_URL: 'postgres://db/x', GROUP_COMMIT_MAX_BATCH: '1' })).toMatchObject({
      eventStore: 'postgres',
      databaseUrl: 'postgres://db/x',
      groupCommitMaxBatch: 1,
    });
    expect(
      loadConfig({ ...base, EVENT_STORE: 'eventstoredb', EVENTSTORE_URL: 'esdb://es:2113', READ_MODEL_URL: 'postgres://db/rm' }),
    ).toMatchObject({
      eventStore: 'eventstoredb',
      eventStoreUrl: 'esdb://es:2113',
      readModelUrl: 'postgres://db/rm',
    });
  });

  it('turns Kafka on with KAFKA_BROKERS', () => {
    expect(loadConfig(base).kafka).toBeUndefined();
    expect(loadConfig({ ...base, KAFKA_BROKERS: 'k1:9092, k2:9092', KAFKA_TOPIC_PARTITIONS: '6' }).kafka).toEqual({
      brokers: ['k1:9092', 'k2:9092'],
      clientId: 'loanflow',
      topicPrefix: 'loanflow',
      partitions: 6,
      replicationFactor: 1,
      source: '/loanflow',
    });
    expect(() => loadConfig({ ...base, KAFKA_BROKERS: 'k:9092', KAFKA_REPLICATION_FACTOR: 'x' })).toThrow(/KAFKA_REPLICATION_FACTOR/);
    expect(() => loadConfig({ ...base, KAFKA_BROKERS: 'k:9092', KAFKA_TOPIC_PREFIX: 'a b' })).toThrow(/KAFKA_TOPIC_PREFIX/);
  });

  it('refuses what it cannot honour, saying which variable is wrong', () => {
    expect(() => loadConfig({ ...base, PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ ...base, EVENT_STORE: 'oracle' })).toThrow(/EVENT_STORE=oracle/);
    expect(() => loadConfig({ ...base, EVENT_STORE: 'postgres' })).toThrow(/needs DATABASE_URL/);
    expect(() => loadConfig({ SQLITE_PATH: base.SQLITE_PATH, EVENT_STORE: 'postgres', DATABASE_URL: 'postgres://db/x' })).toThrow(
      /needs JWT_SECRET/,
    );
    expect(() => loadConfig({ ...base, EVENT_STORE: 'eventstoredb', EVENTSTORE_URL: 'esdb://es:2113' })).toThrow(/needs READ_MODEL_URL/);
    expect(() => loadConfig({ ...base, GROUP_COMMIT_MAX_BATCH: '0' })).toThrow(/GROUP_COMMIT_MAX_BATCH/);
    expect(() => loadConfig({ ...base, BUSINESS_TIME_ZONE: 'Mars/Olympus' })).toThrow(/BUSINESS_TIME_ZONE/);
    // A secret short enough to search for stops the start, saying how long it must be.
    expect(() => loadConfig({ ...base, JWT_SECRET: 'a' })).toThrow(/JWT_SECRET is 1 bytes; it must be at least 32/);
    expect(() => loadConfig({ ...base, JWT_SECRET: 'x'.repeat(31) })).toThrow(/JWT_SECRET/);
    expect(loadConfig({ ...base, JWT_SECRET: 'x'.repeat(32) }).jwtSecret).toHaveLength(32);
    expect(() => loadConfig({ ...base, JWT_MAX_LIFETIME_HOURS: '0' })).toThrow(/JWT_MAX_LIFETIME_HOURS/);
    expect(() => loadConfig({ ...base, METRICS_PORT: 'x' })).toThrow(/METRICS_PORT/);
    expect(() => loadConfig({ ...base, LOG_LEVEL: 'loud' })).toThrow(
      /LOG_LEVEL is one of fatal, error, warn, info, debug, trace, silent, not loud/,
    );
  });

  it('takes the bind address, a metrics port and the longest token lifetime', () => {
    expect(loadConfig({ ...base, HOST: '127.0.0.1', METRICS_PORT: '9464', JWT_MAX_LIFETIME_HOURS: '8' })).toMatchObject({
      host: '127.0.0.1',
      metrics: { port: 9464, host: '127.0.0.1' },
      jwtMaxLifetimeHours: 8,
    });
    expect(loadConfig({ ...base, METRICS_PORT: '9464', METRICS_HOST: '10.0.0.5' }).metrics).toEqual({ port: 9464, host: '10.0.0.5' });
    expect(loadConfig({ ...base, LOG_LEVEL: 'warn' }).logLevel).toBe('warn');
    expect(loadWorkerPort({})).toEqual({ port: 3001, host: '127.0.0.1' });
    expect(loadWorkerPort({ WORKER_PORT: '9100', WORKER_HOST: '0.0.0.0' })).toEqual({ port: 9100, host: '0.0.0.0' });
    expect(() => loadWorkerPort({ WORKER_PORT: 'x' })).toThrow(/WORKER_PORT/);
  });

  it('makes the embedded secret readable by its owner only, in a directory of its own', () => {
    const own = join(mkdtempSync(join(tmpdir(), 'loanflow-config-')), 'data', 'x.db');
    const { jwtSecretSource } = loadConfig({ SQLITE_PATH: own });
    expect(statSync(jwtSecretSource).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(own)).mode & 0o777).toBe(0o700);
  });

  it('turns an instant into the business date of the cooperative', () => {
    // 20:00 UTC on 2 March is 04:00 on 3 March in Beijing.
    expect(businessDate(new Date('2026-03-02T20:00:00Z'), 'Asia/Shanghai')).toBe('2026-03-03');
    expect(businessDate(new Date('2026-03-02T20:00:00Z'), 'UTC')).toBe('2026-03-02');
  });
});
