/**
 * Settings come from the environment only (see README, "Settings").
 * Every problem is reported as a one-line reason so that a misconfigured
 * service stops with a message an operator can act on.
 */

export type DatabaseTarget =
  | { dialect: 'sqlite'; path: string }
  | { dialect: 'postgresql'; url: string; dbName: string };

export interface Settings {
  port: number;
  database: DatabaseTarget;
  demoData: boolean;
  production: boolean;
  /** Currency given to orders recorded without one (API.md: EUR). */
  defaultCurrency: string;
  /** Quiet time after the last ingestion before metrics are refreshed; null: no automatic refresh. */
  metricsRefreshDelayMs: number | null;
}

export class ConfigError extends Error {}

export const DEFAULT_DATABASE_URL = 'sqlite:data/segments.sqlite';

export function parseDatabaseUrl(raw: string): DatabaseTarget {
  const url = raw.trim();
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (path === '') throw new ConfigError(`DATABASE_URL "${raw}" names no SQLite file (expected sqlite:PATH)`);
    return { dialect: 'sqlite', path };
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new ConfigError(`DATABASE_URL "${redact(raw)}" is not a valid URL`);
    }
    const dbName = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
    if (!parsed.hostname) throw new ConfigError(`DATABASE_URL "${redact(raw)}" names no host`);
    if (!dbName) throw new ConfigError(`DATABASE_URL "${redact(raw)}" names no database (postgres://user@host:port/db)`);
    return { dialect: 'postgresql', url, dbName };
  }
  throw new ConfigError(
    `DATABASE_URL "${redact(raw)}" is not supported: use sqlite:PATH or postgres://user@host:port/db`,
  );
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

function parseDelay(raw: string | undefined): number | null {
  if (raw === undefined || raw === '') return 10_000;
  if (raw.trim().toLowerCase() === 'off') return null;
  const delay = Number(raw);
  if (!Number.isInteger(delay) || delay < 0) throw new ConfigError(`METRICS_REFRESH_DELAY_MS "${raw}" must be a whole number of milliseconds or off`);
  return delay;
}

export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  return {
    port: parsePort(env.PORT),
    database: parseDatabaseUrl(env.DATABASE_URL || DEFAULT_DATABASE_URL),
    demoData: parseSwitch('DEMO_DATA', env.DEMO_DATA, true),
    production: env.NODE_ENV === 'production',
    defaultCurrency: 'EUR',
    metricsRefreshDelayMs: parseDelay(env.METRICS_REFRESH_DELAY_MS),
  };
}
