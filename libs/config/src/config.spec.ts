import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './config';
import { businessDate } from './zone';

describe('configuration by environment', () => {
  const dir = mkdtempSync(join(tmpdir(), 'loanflow-config-'));
  const base = { SQLITE_PATH: join(dir, 'x.db'), JWT_SECRET: 's' };

  it('has working defaults', () => {
    expect(loadConfig(base)).toEqual({
      port: 3000,
      eventStore: 'sqlite',
      sqlitePath: base.SQLITE_PATH,
      groupCommitMaxBatch: 500,
      jwtSecret: 's',
      jwtSecretSource: 'JWT_SECRET',
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
  });

  it('turns an instant into the business date of the cooperative', () => {
    // 20:00 UTC on 2 March is 04:00 on 3 March in Beijing.
    expect(businessDate(new Date('2026-03-02T20:00:00Z'), 'Asia/Shanghai')).toBe('2026-03-03');
    expect(businessDate(new Date('2026-03-02T20:00:00Z'), 'UTC')).toBe('2026-03-02');
  });
});
