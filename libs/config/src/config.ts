import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { businessDate } from './zone';

/** Configuration by environment, shared by the api and the CLI so both see the same log and secret. */
export type EventStoreKind = 'sqlite' | 'postgres' | 'eventstoredb';

/** Where the log and the read models live: all that commands which only read the log need. */
export interface StorageConfig {
  /** Where the log lives: the embedded SQLite file, PostgreSQL or EventStoreDB/KurrentDB. */
  eventStore: EventStoreKind;
  /** The embedded log (and its read models) when `eventStore` is sqlite. */
  sqlitePath: string;
  /** PostgreSQL for the log and the read models when `eventStore` is postgres. */
  databaseUrl?: string;
  /** The EventStoreDB/KurrentDB connection string when `eventStore` is eventstoredb. */
  eventStoreUrl?: string;
  /** PostgreSQL for the read models when the log is in EventStoreDB. */
  readModelUrl?: string;
  /** Most appends one commit carries (group commit); 1 turns it off. */
  groupCommitMaxBatch: number;
  /**
   * The cooperative's key for borrowers' personal data (PERSONAL_DATA_KEY: 32 bytes, hex or base64).
   * Unset, the embedded default keeps one next to its database; a server-backed log must be given one.
   */
  personalDataKey?: string;
}

/** Kafka for downstream systems: set by KAFKA_BROKERS, off without it. */
export interface KafkaConfig {
  brokers: string[];
  clientId: string;
  /** Topics are `<prefix>.<aggregate>.events`. */
  topicPrefix: string;
  /** Partitions and replication of the topics the relay creates when they are missing. */
  partitions: number;
  replicationFactor: number;
  /** The CloudEvents `source` of every published event. */
  source: string;
}

export interface LoanflowConfig extends StorageConfig {
  port: number;
  /** The address the api listens on (HOST; all interfaces by default). */
  host?: string;
  /** The lowest level of the JSON log lines (LOG_LEVEL: fatal, error, warn, info, debug, trace or silent; default info). */
  logLevel?: string;
  /** A port of its own for Prometheus (METRICS_PORT), without a token, on METRICS_HOST (loopback by default). */
  metrics?: { port: number; host: string };
  /** The longest a token may be valid for, from its issue to its expiry (JWT_MAX_LIFETIME_HOURS, 12 by default). */
  jwtMaxLifetimeHours?: number;
  kafka?: KafkaConfig;
  jwtSecret: string;
  /** Where the secret came from: `JWT_SECRET`, or the file the embedded default created. */
  jwtSecretSource: string;
  jwtIssuer?: string;
  jwtAudience?: string;
  /** IANA zone whose calendar gives the business date ("today") of every command. */
  businessTimeZone: string;
  /** The built dashboard the api serves at `/` (DASHBOARD_DIR; `./dist/dashboard` when unset). */
  dashboardDir?: string;
}

export const DEFAULT_SQLITE_PATH = './data/loanflow.db';
/** A shorter HS256 secret can be searched for: 32 bytes is the hash's own size. */
export const MIN_JWT_SECRET_BYTES = 32;
export const DEFAULT_JWT_MAX_LIFETIME_HOURS = 12;
export const DEFAULT_GROUP_COMMIT_MAX_BATCH = 500;

/** A whole number from a variable (`fallback` when unset), refused outside min..max with the variable named. */
function wholeNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const value = env[name] ? Number(env[name]) : fallback;
  if (!Number.isInteger(value) || value < min || value > max)
    throw new Error(
      `${name} must be a whole number ${max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`}, not ${env[name]}`,
    );
  return value;
}

const isEventStoreKind = (value: string): value is EventStoreKind => ['sqlite', 'postgres', 'eventstoredb'].includes(value);
/** The cooperatives loanflow serves keep China Standard Time; set BUSINESS_TIME_ZONE elsewhere. */
export const DEFAULT_BUSINESS_TIME_ZONE = 'Asia/Shanghai';

/**
 * Without `JWT_SECRET` the embedded default keeps a random secret next to its database, so a
 * newcomer configures nothing and the CLI's `token` signs with the secret the api checks.
 */
export function embeddedSecret(sqlitePath: string, name = 'jwt-secret'): { secret: string; file: string } {
  const dir = sqlitePath === ':memory:' ? join(process.cwd(), 'data') : dirname(sqlitePath);
  const file = join(dir, name);
  if (!existsSync(file)) {
    // Made for the secret and the log beside it: its owner alone may look inside.
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(file, randomBytes(32).toString('hex') + '\n', { flag: 'wx', mode: 0o600 });
  }
  chmodSync(file, 0o600);
  return { secret: readFileSync(file, 'utf8').trim(), file };
}

/** Where the embedded log lives: all the commands that only read the log need. */
export function sqlitePathOf(env: NodeJS.ProcessEnv = process.env): string {
  return env.SQLITE_PATH || DEFAULT_SQLITE_PATH;
}

export function loadStorageConfig(env: NodeJS.ProcessEnv = process.env): StorageConfig {
  const eventStore = env.EVENT_STORE || 'sqlite';
  if (!isEventStoreKind(eventStore)) throw new Error(`EVENT_STORE=${eventStore} is not one of sqlite, postgres, eventstoredb`);
  const needs = (name: string) => {
    if (!env[name]) throw new Error(`EVENT_STORE=${eventStore} needs ${name}`);
    return env[name];
  };
  const urls =
    eventStore === 'postgres'
      ? { databaseUrl: needs('DATABASE_URL') }
      : eventStore === 'eventstoredb'
        ? { eventStoreUrl: needs('EVENTSTORE_URL'), readModelUrl: needs('READ_MODEL_URL') }
        : {};
  const groupCommitMaxBatch = wholeNumber(env, 'GROUP_COMMIT_MAX_BATCH', DEFAULT_GROUP_COMMIT_MAX_BATCH, 1);
  return {
    eventStore,
    sqlitePath: sqlitePathOf(env),
    ...urls,
    groupCommitMaxBatch,
    ...(env.PERSONAL_DATA_KEY ? { personalDataKey: env.PERSONAL_DATA_KEY } : {}),
  };
}

export function loadKafkaConfig(env: NodeJS.ProcessEnv = process.env): KafkaConfig | undefined {
  if (!env.KAFKA_BROKERS) return undefined;
  const topicPrefix = env.KAFKA_TOPIC_PREFIX || 'loanflow';
  if (!/^[A-Za-z0-9._-]+$/.test(topicPrefix))
    throw new Error(`KAFKA_TOPIC_PREFIX may hold letters, digits, '.', '_' and '-' only, not ${topicPrefix}`);
  return {
    brokers: env.KAFKA_BROKERS.split(',').map((b) => b.trim()),
    clientId: env.KAFKA_CLIENT_ID || 'loanflow',
    topicPrefix,
    partitions: wholeNumber(env, 'KAFKA_TOPIC_PARTITIONS', 3, 1),
    replicationFactor: wholeNumber(env, 'KAFKA_REPLICATION_FACTOR', 1, 1),
    source: env.CLOUDEVENTS_SOURCE || '/loanflow',
  };
}

/** The cooperative's time zone: business dates (what "today" is, end of day at midnight) are taken in it. */
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function logLevelOf(value: string): string {
  if (!LOG_LEVELS.includes(value)) throw new Error(`LOG_LEVEL is one of ${LOG_LEVELS.join(', ')}, not ${value}`);
  return value;
}

/** The worker's operations port (WORKER_PORT, default 3001) for /health and /metrics, on WORKER_HOST (loopback by default). */
export function loadWorkerPort(env: NodeJS.ProcessEnv = process.env): { port: number; host: string } {
  return { port: wholeNumber(env, 'WORKER_PORT', 3001, 1, 65_535), host: env.WORKER_HOST || '127.0.0.1' };
}

export function loadBusinessTimeZone(env: NodeJS.ProcessEnv = process.env): string {
  const businessTimeZone = env.BUSINESS_TIME_ZONE || DEFAULT_BUSINESS_TIME_ZONE;
  try {
    businessDate(new Date(0), businessTimeZone);
  } catch {
    throw new Error(`BUSINESS_TIME_ZONE must be an IANA time zone such as Asia/Shanghai, not ${businessTimeZone}`);
  }
  return businessTimeZone;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): LoanflowConfig {
  const port = wholeNumber(env, 'PORT', 3000, 0, 65_535);
  const storage = loadStorageConfig(env);
  // Replicas of a server-backed deployment must share one secret: only the embedded default may make its own.
  if (storage.eventStore !== 'sqlite' && !env.JWT_SECRET) throw new Error(`EVENT_STORE=${storage.eventStore} needs JWT_SECRET`);
  const businessTimeZone = loadBusinessTimeZone(env);
  const fromEnv = env.JWT_SECRET;
  if (fromEnv !== undefined && Buffer.byteLength(fromEnv) < MIN_JWT_SECRET_BYTES)
    throw new Error(
      `JWT_SECRET is ${Buffer.byteLength(fromEnv)} bytes; it must be at least ${MIN_JWT_SECRET_BYTES} random bytes (for example: openssl rand -hex 32)`,
    );
  const { secret, file } = fromEnv ? { secret: fromEnv, file: '' } : embeddedSecret(storage.sqlitePath);
  const kafka = loadKafkaConfig(env);
  const jwtMaxLifetimeHours = wholeNumber(env, 'JWT_MAX_LIFETIME_HOURS', DEFAULT_JWT_MAX_LIFETIME_HOURS, 1, 24 * 31);
  return {
    port,
    ...(env.HOST ? { host: env.HOST } : {}),
    ...(env.METRICS_PORT
      ? { metrics: { port: wholeNumber(env, 'METRICS_PORT', 0, 1, 65_535), host: env.METRICS_HOST || '127.0.0.1' } }
      : {}),
    jwtMaxLifetimeHours,
    ...(env.LOG_LEVEL ? { logLevel: logLevelOf(env.LOG_LEVEL) } : {}),
    ...storage,
    ...(kafka ? { kafka } : {}),
    jwtSecret: secret,
    jwtSecretSource: fromEnv ? 'JWT_SECRET' : file,
    businessTimeZone,
    ...(env.DASHBOARD_DIR ? { dashboardDir: env.DASHBOARD_DIR } : {}),
    ...(env.JWT_ISSUER ? { jwtIssuer: env.JWT_ISSUER } : {}),
    ...(env.JWT_AUDIENCE ? { jwtAudience: env.JWT_AUDIENCE } : {}),
  };
}
