import { badUserInput } from './errors';

/**
 * What an API key may do. `read`: queries; `pii`: unmasked personal data;
 * `write`: segments, personas, scoring models; `ingest`: customers, orders,
 * events and metrics refreshes; `admin`: API keys; `webhooks`: webhooks, which
 * send segment changes (customer ids) to a URL of the caller's choosing.
 */
export enum Scope {
  READ = 'read',
  PII = 'pii',
  WRITE = 'write',
  INGEST = 'ingest',
  ADMIN = 'admin',
  WEBHOOKS = 'webhooks',
}

export const ALL_SCOPES: readonly Scope[] = Object.values(Scope);

/** Who is calling: an API key, or anyone on the open local demo (every scope). */
export interface Caller {
  /** The key's id, or null on the open local demo. */
  keyId: number | null;
  name: string;
  scopes: ReadonlySet<Scope>;
}

export const OPEN_DEMO_CALLER: Caller = {
  keyId: null,
  name: 'local demo (open)',
  scopes: new Set(ALL_SCOPES),
};

export function parseScopes(raw: readonly string[], path?: string): Scope[] {
  const unknown = raw.filter((scope) => !ALL_SCOPES.includes(scope as Scope));
  if (unknown.length)
    throw badUserInput(
      `unknown scope${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (scopes: ${ALL_SCOPES.join(', ')})`,
      path,
    );
  return ALL_SCOPES.filter((scope) => raw.includes(scope));
}
