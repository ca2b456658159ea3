import { createHash, randomBytes } from 'node:crypto';
import type { Knex } from '@mikro-orm/knex';
import { badUserInput } from '../common/errors';
import { parseScopes, type Caller, type Scope } from '../common/scopes';
import type { Row } from '../db/raw-rows';
import { insertReturningId } from '../db/insert-id';

/** A key reads `seg_` + 8 characters shown in listings (the prefix) + 32 secret ones. */
const KEY_SHAPE = /^seg_([A-Za-z0-9_-]{8})([A-Za-z0-9_-]{32})$/;
/** A key's last use is written at most this often, not on every request. */
const LAST_USED_PRECISION_MS = 60_000;

export interface ApiKeyView {
  id: number;
  name: string;
  prefix: string;
  scopes: Scope[];
  createdAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

/** SHA-256 is enough for a secret of 192 random bits: there is nothing to guess by brute force. */
export function hashSecret(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

function view(row: Row): ApiKeyView {
  const scopes = typeof row.scopes === 'string' ? JSON.parse(row.scopes) : row.scopes;
  const date = (value: unknown) => (value == null ? null : new Date(Number(value)));
  return {
    id: Number(row.id),
    name: row.name,
    prefix: row.prefix,
    scopes,
    createdAt: date(row.created_at)!,
    revokedAt: date(row.revoked_at),
    lastUsedAt: date(row.last_used_at),
  };
}

/** Creates a key; the secret is returned this once and only its hash is stored. */
export async function createApiKey(
  knex: Knex,
  name: string,
  scopes: readonly string[],
): Promise<{ key: string; apiKey: ApiKeyView }> {
  const cleanName = name.trim();
  if (cleanName === '' || cleanName.length > 200)
    throw badUserInput('a key needs a name of 1 to 200 characters', 'name');
  const granted = parseScopes(scopes, 'scopes');
  if (granted.length === 0) throw badUserInput('a key needs at least one scope', 'scopes');
  const key = `seg_${randomBytes(30).toString('base64url')}`;
  const prefix = KEY_SHAPE.exec(key)![1];
  const now = Date.now();
  const id = await insertReturningId(knex, 'api_keys', {
    name: cleanName,
    secret_hash: hashSecret(key),
    prefix,
    scopes: JSON.stringify(granted),
    created_at: now,
  });
  return { key, apiKey: view(await knex('api_keys').where('id', id).first()) };
}

export async function listApiKeys(knex: Knex): Promise<ApiKeyView[]> {
  return (await knex('api_keys').orderBy('id').select('*')).map(view);
}

/** Revokes a key (kept for the record); false when no key has this id. Revoking twice keeps the first date. */
export async function revokeApiKey(knex: Knex, id: number): Promise<ApiKeyView | null> {
  const row = await knex('api_keys').where('id', id).first();
  if (!row) return null;
  if (row.revoked_at == null) await knex('api_keys').where('id', id).update({ revoked_at: Date.now() });
  return view(await knex('api_keys').where('id', id).first());
}

export async function countActiveApiKeys(knex: Knex): Promise<number> {
  const [{ n }] = await knex('api_keys').whereNull('revoked_at').count({ n: '*' });
  return Number(n);
}

/**
 * The caller a bearer key stands for, or null for an unknown, malformed or
 * revoked key. The lookup is by the key's hash: what the database compares is
 * a digest of 192 random bits, which tells a timing attacker nothing. `knex`
 * may be a read connection: the key's last use is noted through `writer`.
 */
export async function authenticate(knex: Knex, key: string, writer: Knex = knex): Promise<Caller | null> {
  if (!KEY_SHAPE.test(key)) return null;
  const hash = hashSecret(key);
  const row = await knex('api_keys').where('secret_hash', hash).first();
  if (!row || row.revoked_at != null) return null;
  const now = Date.now();
  if (row.last_used_at == null || now - Number(row.last_used_at) > LAST_USED_PRECISION_MS) {
    await writer('api_keys').where('id', row.id).update({ last_used_at: now });
  }
  const apiKey = view(row);
  return { keyId: apiKey.id, name: apiKey.name, scopes: new Set(apiKey.scopes) };
}
