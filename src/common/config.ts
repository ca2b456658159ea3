/**
 * Settings come from the environment only (see README, "Settings").
 * Every problem is reported as a one-line reason so that a misconfigured
 * service stops with a message an operator can act on.
 */

export type DatabaseTarget =
  { dialect: 'sqlite'; path: string } | { dialect: 'postgresql'; url: string; dbName: string };

export interface Settings {
  port: number;
  database: DatabaseTarget;
  /** A PostgreSQL hot standby of `database` that GraphQL queries read from (src/db/replica-routing.ts); null: none. */
  readReplica: ReadReplica | null;
  demoData: boolean;
  production: boolean;
  /** Currency given to orders recorded without one (docs/API.md: EUR). */
  defaultCurrency: string;
  /** Quiet time after the last ingestion before metrics are refreshed; null: no automatic refresh. */
  metricsRefreshDelayMs: number | null;
  /**
   * Quiet time after ingestion, a metrics refresh or a tracked segment saved, before tracked segments
   * are evaluated (src/membership/); null: only on the interval.
   */
  membershipDelayMs: number | null;
  /** Tracked segments are also evaluated this often, so time windows enter and leave customers as days pass; null: never on a clock. */
  membershipIntervalMs: number | null;
  /** `open`: the local demo, every caller has every scope; `keys`: every request needs an API key. */
  auth: 'open' | 'keys';
  /** The interface to listen on: loopback for the local demo, every interface in production. */
  host: string;
  /** The GraphiQL playground at /playground/ (on in the demo, off in production unless PLAYGROUND=on). */
  playground: boolean;
  /** Schema introspection (on in the demo, off in production unless INTROSPECTION=on). */
  introspection: boolean;
  limits: Limits;
  /**
   * The secret cursors are sealed with (AES-256-GCM); null: a random key per
   * process (demo and tests). Required in production, the same on every
   * instance, so that a cursor one instance returned pages on another.
   */
  cursorSecret: string | null;
  webhooks: WebhookSettings;
}

/** A read replica and how stale what it answers may be (README, "Read replica"). */
export interface ReadReplica {
  target: Extract<DatabaseTarget, { dialect: 'postgresql' }>;
  /** A query never reads data older than this: past it, queries go to the primary. */
  maxLagMs: number;
}

export const DEFAULT_READ_MAX_LAG_MS = 5000;

/** The webhook delivery worker (README, "Reacting to segment changes"). */
export interface WebhookSettings {
  /** How often the worker looks for changes to deliver; null: no worker in this process. */
  pollMs: number | null;
  /** An attempt that has no answer by then fails (connect, send, answer). */
  timeoutMs: number;
  /** The first retry delay; each consecutive failure doubles it, up to 360 times this. */
  retryBaseMs: number;
  /** Deliver to loopback, private and link-local addresses (refused in production unless allowed). */
  allowPrivateAddresses: boolean;
}

/** Limits on what one request may ask (README, "Limits"); null: no limit. */
export interface Limits {
  /** Deepest nesting of fields in an operation. */
  depth: number;
  /** Cost of an operation: each field 1, a connection's or list's fields times its `first`. */
  cost: number;
  /** Requests per minute per API key (per client address on the open demo), bursts up to the same number. */
  requestsPerMinute: number | null;
  /** A database statement running longer is stopped (SQLite interrupted, PostgreSQL statement_timeout). */
  statementTimeoutMs: number | null;
  /** Request body size, bytes. */
  bodyBytes: number;
}

export const DEFAULT_LIMITS: Limits = {
  depth: 12,
  cost: 50_000,
  requestsPerMinute: 1200,
  statementTimeoutMs: 30_000,
  bodyBytes: 16 * 1024 * 1024,
};

export class ConfigError extends Error {}

export const DEFAULT_DATABASE_URL = 'sqlite:data/segments.sqlite';

export function parseDatabaseUrl(raw: string, name = 'DATABASE_URL'): DatabaseTarget {
  const url = raw.trim();
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (path === '') throw new ConfigError(`${name} "${raw}" names no SQLite file (expected sqlite:PATH)`);
    return { dialect: 'sqlite', path };
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new ConfigError(`${name} "${redact(raw)}" is not a valid URL`);
    }
    const dbName = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
    if (!parsed.hostname) throw new ConfigError(`${name} "${redact(raw)}" names no host`);
    if (!dbName)
      throw new ConfigError(`${name} "${redact(raw)}" names no database (postgres://user@host:port/db)`);
    return { dialect: 'postgresql', url, dbName };
  }
  throw new ConfigError(
    `${name} "${redact(raw)}" is not supported: use sqlite:PATH or postgres://user@host:port/db`,
  );
}

/**
 * DATABASE_READ_URL: a hot standby of the PostgreSQL primary. A replica only
 * makes sense beside a PostgreSQL primary it streams from; a SQLite file
 * already reads on connections of its own (orm/database.ts).
 */
export function parseReadReplica(
  database: DatabaseTarget,
  rawUrl: string | undefined,
  rawMaxLag: string | undefined,
): ReadReplica | null {
  if (rawUrl === undefined || rawUrl.trim() === '') {
    if (rawMaxLag !== undefined && rawMaxLag !== '')
      throw new ConfigError(
        "DATABASE_READ_MAX_LAG_MS is set but DATABASE_READ_URL is not: it bounds the replica's lag",
      );
    return null;
  }
  const target = parseDatabaseUrl(rawUrl, 'DATABASE_READ_URL');
  if (target.dialect !== 'postgresql')
    throw new ConfigError(
      `DATABASE_READ_URL "${redact(rawUrl)}" is not PostgreSQL: a read replica is a PostgreSQL hot standby (postgres://user@host:port/db)`,
    );
  if (database.dialect !== 'postgresql')
    throw new ConfigError(
      'DATABASE_READ_URL needs a PostgreSQL DATABASE_URL: a read replica is a hot standby of a PostgreSQL primary (SQLite already reads on connections of its own)',
    );
  const maxLagMs = parseLimit('DATABASE_READ_MAX_LAG_MS', rawMaxLag, DEFAULT_READ_MAX_LAG_MS, false)!;
  return { target, maxLagMs };
}

/** Hides a password so that error messages and logs never show it. */
export function redact(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}

function parsePort(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 4000;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`PORT "${raw}" is not a port number (0-65535)`);
  }
  return port;
}

function parseSwitch(name: string, raw: string | undefined, fallback: boolean): boolean {
  if (raw === undefined || raw === '') return fallback;
  const value = raw.trim().toLowerCase();
  if (['on', 'true', '1', 'yes'].includes(value)) return true;
  if (['off', 'false', '0', 'no'].includes(value)) return false;
  throw new ConfigError(`${name} "${raw}" must be on or off`);
}

function parseDelay(
  raw: string | undefined,
  name = 'METRICS_REFRESH_DELAY_MS',
  fallback = 10_000,
  minimum = 0,
): number | null {
  if (raw === undefined || raw === '') return fallback;
  if (raw.trim().toLowerCase() === 'off') return null;
  const delay = Number(raw);
  if (!Number.isInteger(delay) || delay < minimum)
    throw new ConfigError(
      `${name} "${raw}" must be a whole number of milliseconds${minimum ? ` of at least ${minimum}` : ''} or off`,
    );
  return delay;
}

/** A positive whole number, or `off` (null) where `allowOff`. */
function parseLimit(
  name: string,
  raw: string | undefined,
  fallback: number | null,
  allowOff: boolean,
): number | null {
  if (raw === undefined || raw === '') return fallback;
  if (allowOff && raw.trim().toLowerCase() === 'off') return null;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0)
    throw new ConfigError(`${name} "${raw}" must be a positive whole number${allowOff ? ' or off' : ''}`);
  return value;
}

function parseAuth(raw: string | undefined, production: boolean): 'open' | 'keys' {
  const value = (raw ?? '').trim().toLowerCase();
  if (value === '') return production ? 'keys' : 'open';
  if (value !== 'open' && value !== 'keys') throw new ConfigError(`AUTH "${raw}" must be open or keys`);
  if (value === 'open' && production)
    throw new ConfigError(
      'AUTH=open is refused in production (NODE_ENV=production): every request needs an API key',
    );
  return value;
}

/** Shortest CURSOR_SECRET: 32 characters, about the 256 bits of the key derived from it when random. */
export const MIN_CURSOR_SECRET_LENGTH = 32;

function parseCursorSecret(raw: string | undefined, production: boolean): string | null {
  if (raw === undefined || raw === '') {
    if (production)
      throw new ConfigError(
        `production mode (NODE_ENV=production) needs CURSOR_SECRET: a random secret of at least ${MIN_CURSOR_SECRET_LENGTH} characters, the same on every instance (e.g. openssl rand -base64 48)`,
      );
    return null;
  }
  if (raw.length < MIN_CURSOR_SECRET_LENGTH)
    throw new ConfigError(
      `CURSOR_SECRET is ${raw.length} characters long: it needs at least ${MIN_CURSOR_SECRET_LENGTH} (e.g. openssl rand -base64 48)`,
    );
  return raw;
}

export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const production = env.NODE_ENV === 'production';
  const database = parseDatabaseUrl(env.DATABASE_URL || DEFAULT_DATABASE_URL);
  return {
    port: parsePort(env.PORT),
    database,
    readReplica: parseReadReplica(database, env.DATABASE_READ_URL, env.DATABASE_READ_MAX_LAG_MS),
    demoData: parseSwitch('DEMO_DATA', env.DEMO_DATA, !production),
    production,
    defaultCurrency: 'EUR',
    metricsRefreshDelayMs: parseDelay(env.METRICS_REFRESH_DELAY_MS),
    membershipDelayMs: parseDelay(env.MEMBERSHIP_DELAY_MS, 'MEMBERSHIP_DELAY_MS'),
    // At least a second: a round evaluates every tracked segment.
    membershipIntervalMs: parseDelay(env.MEMBERSHIP_INTERVAL_MS, 'MEMBERSHIP_INTERVAL_MS', 3_600_000, 1000),
    auth: parseAuth(env.AUTH, production),
    host: env.HOST?.trim() || (production ? '0.0.0.0' : '127.0.0.1'),
    playground: parseSwitch('PLAYGROUND', env.PLAYGROUND, !production),
    introspection: parseSwitch('INTROSPECTION', env.INTROSPECTION, !production),
    limits: {
      depth: parseLimit('MAX_QUERY_DEPTH', env.MAX_QUERY_DEPTH, DEFAULT_LIMITS.depth, false)!,
      cost: parseLimit('MAX_QUERY_COST', env.MAX_QUERY_COST, DEFAULT_LIMITS.cost, false)!,
      requestsPerMinute: parseLimit(
        'RATE_LIMIT_PER_MINUTE',
        env.RATE_LIMIT_PER_MINUTE,
        DEFAULT_LIMITS.requestsPerMinute,
        true,
      ),
      statementTimeoutMs: parseLimit(
        'STATEMENT_TIMEOUT_MS',
        env.STATEMENT_TIMEOUT_MS,
        DEFAULT_LIMITS.statementTimeoutMs,
        true,
      ),
      bodyBytes: parseLimit('MAX_BODY_BYTES', env.MAX_BODY_BYTES, DEFAULT_LIMITS.bodyBytes, false)!,
    },
    cursorSecret: parseCursorSecret(env.CURSOR_SECRET, production),
    webhooks: {
      pollMs: parseLimit('WEBHOOK_POLL_MS', env.WEBHOOK_POLL_MS, 1000, true),
      timeoutMs: parseLimit('WEBHOOK_TIMEOUT_MS', env.WEBHOOK_TIMEOUT_MS, 10_000, false)!,
      retryBaseMs: parseLimit('WEBHOOK_RETRY_BASE_MS', env.WEBHOOK_RETRY_BASE_MS, 60_000, false)!,
      allowPrivateAddresses: parseSwitch(
        'WEBHOOK_PRIVATE_ADDRESSES',
        env.WEBHOOK_PRIVATE_ADDRESSES,
        !production,
      ),
    },
  };
}

/**
 * Settings for a store opened by a tool (tests, benchmarks): the local demo's defaults, no demo data,
 * no automatic refresh, no webhook worker.
 */
export function toolSettings(database: DatabaseTarget, overrides: Partial<Settings> = {}): Settings {
  const defaults = loadSettings({});
  return {
    ...defaults,
    port: 0,
    database,
    readReplica: null,
    demoData: false,
    metricsRefreshDelayMs: null,
    webhooks: { ...defaults.webhooks, pollMs: null },
    membershipDelayMs: null,
    membershipIntervalMs: null,
    ...overrides,
  };
}
