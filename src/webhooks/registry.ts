import type { EntityManager, Knex } from '@mikro-orm/knex';
import type { WebhookSettings } from '../common/config';
import { badUserInput, notFound } from '../common/errors';
import { idOf } from '../common/ids';
import { Segment } from '../entities';
import { insertReturningId } from '../db/insert-id';
import type { Row } from '../db/raw-rows';
import { parseWebhookUrl, refusePrivateHost } from './addresses';
import { newSigningSecret } from './signing';
import { createPing, recordAttempt, sendDelivery, type AttemptView } from './deliveries';
import { postDelivery, type Sender } from './sender';

/** The kinds of segment change a webhook may receive. */
export const CHANGE_KINDS = ['ENTERED', 'EXITED'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** Most segments one webhook follows. */
export const MAX_WEBHOOK_SEGMENTS = 100;

export interface WebhookView {
  id: number;
  url: string;
  segments: Segment[];
  kinds: ChangeKind[];
  enabled: boolean;
  disabledAt: Date | null;
  consecutiveFailures: number;
  nextAttemptAt: Date | null;
  createdAt: Date;
}

export interface WebhookInput {
  url?: string;
  segments?: readonly string[];
  kinds?: readonly ChangeKind[];
}

const date = (value: unknown) => (value == null ? null : new Date(Number(value)));

/** Webhooks as shown, with their segments and kinds: three statements whatever their number. */
async function views(em: EntityManager, rows: Row[]): Promise<WebhookView[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((row) => Number(row.id));
  const subscriptions: Row[] = await em
    .getKnex()('webhook_subscriptions')
    .whereIn('webhook_id', ids)
    .orderBy(['segment_id', 'kind'])
    .select('webhook_id', 'segment_id', 'kind');
  const segmentIds = [...new Set(subscriptions.map((row) => Number(row.segment_id)))];
  const segments = new Map(
    (segmentIds.length ? await em.find(Segment, { id: { $in: segmentIds } }) : []).map((s) => [s.id, s]),
  );
  return rows.map((row) => {
    const own = subscriptions.filter((s) => Number(s.webhook_id) === Number(row.id));
    const segmentsOf = [...new Set(own.map((s) => Number(s.segment_id)))];
    return {
      id: Number(row.id),
      url: row.url,
      segments: segmentsOf.map((id) => segments.get(id)!).filter(Boolean),
      kinds: CHANGE_KINDS.filter((kind) => own.some((s) => s.kind === kind)),
      enabled: row.disabled_at == null,
      disabledAt: date(row.disabled_at),
      consecutiveFailures: Number(row.consecutive_failures),
      nextAttemptAt: date(row.next_attempt_at),
      createdAt: date(row.created_at)!,
    };
  });
}

export async function listWebhooks(em: EntityManager): Promise<WebhookView[]> {
  return views(em, await em.getKnex()('webhooks').orderBy('id').select('*'));
}

async function requireWebhookRow(knex: Knex, rawId: string): Promise<Row> {
  const id = idOf(rawId);
  const row = id === null ? undefined : await knex('webhooks').where('id', id).first();
  if (!row) throw notFound(`no webhook has id "${rawId}"`);
  return row;
}

export async function findWebhook(em: EntityManager, rawId: string): Promise<WebhookView> {
  return (await views(em, [await requireWebhookRow(em.getKnex(), rawId)]))[0];
}

/** A URL as given, checked: http(s), and no private address unless the operator allows them. */
async function checkedUrl(raw: string, settings: WebhookSettings): Promise<string> {
  const url = parseWebhookUrl(raw);
  if (!settings.allowPrivateAddresses) await refusePrivateHost(url);
  return url.href;
}

/** The segment ids named, each an existing saved segment; at least one, at most MAX_WEBHOOK_SEGMENTS. */
async function checkedSegments(em: EntityManager, raw: readonly string[]): Promise<number[]> {
  if (raw.length === 0) throw badUserInput('a webhook follows at least one segment', 'segments');
  if (raw.length > MAX_WEBHOOK_SEGMENTS)
    throw badUserInput(`a webhook follows at most ${MAX_WEBHOOK_SEGMENTS} segments`, 'segments');
  const ids = raw.map((value, index) => {
    const id = idOf(value);
    if (id === null) throw badUserInput(`no segment has id "${value}"`, `segments.${index}`);
    return id;
  });
  const found = new Set(
    (await em.find(Segment, { id: { $in: ids } }, { fields: ['id'] })).map((segment) => segment.id),
  );
  const missing = ids.findIndex((id) => !found.has(id));
  if (missing >= 0) throw badUserInput(`no segment has id "${raw[missing]}"`, `segments.${missing}`);
  return [...new Set(ids)];
}

function checkedKinds(raw: readonly ChangeKind[]): ChangeKind[] {
  if (raw.length === 0) throw badUserInput('a webhook receives at least one kind of change', 'kinds');
  return CHANGE_KINDS.filter((kind) => raw.includes(kind));
}

async function writeSubscriptions(
  trx: Knex.Transaction,
  webhookId: number,
  segments: readonly number[],
  kinds: readonly ChangeKind[],
): Promise<void> {
  await trx('webhook_subscriptions').where('webhook_id', webhookId).delete();
  await trx('webhook_subscriptions').insert(
    segments.flatMap((segmentId) =>
      kinds.map((kind) => ({ webhook_id: webhookId, segment_id: segmentId, kind })),
    ),
  );
}

/** Creates a webhook; its signing secret is in this answer only (it is kept to sign, never shown again). */
export async function createWebhook(
  em: EntityManager,
  input: Required<WebhookInput>,
  settings: WebhookSettings,
): Promise<{ secret: string; webhook: WebhookView }> {
  const url = await checkedUrl(input.url, settings);
  const segments = await checkedSegments(em, input.segments);
  const kinds = checkedKinds(input.kinds);
  const secret = newSigningSecret();
  const id = await em.getKnex().transaction(async (trx) => {
    const created = await insertReturningId(trx, 'webhooks', {
      url,
      secret,
      consecutive_failures: 0,
      created_at: Date.now(),
    });
    await writeSubscriptions(trx, created, segments, kinds);
    return created;
  });
  return { secret, webhook: await findWebhook(em, String(id)) };
}

/**
 * Changes what is given of a webhook. Changes already queued stay queued; the
 * new segments and kinds apply to changes recorded from now on.
 */
export async function updateWebhook(
  em: EntityManager,
  rawId: string,
  input: WebhookInput,
  settings: WebhookSettings,
): Promise<WebhookView> {
  const row = await requireWebhookRow(em.getKnex(), rawId);
  const id = Number(row.id);
  const url = input.url === undefined ? undefined : await checkedUrl(input.url, settings);
  const segments = input.segments === undefined ? undefined : await checkedSegments(em, input.segments);
  const kinds = input.kinds === undefined ? undefined : checkedKinds(input.kinds);
  await em.getKnex().transaction(async (trx) => {
    if (url !== undefined) await trx('webhooks').where('id', id).update({ url });
    if (segments !== undefined || kinds !== undefined) {
      const current: Row[] = await trx('webhook_subscriptions')
        .where('webhook_id', id)
        .select('segment_id', 'kind');
      await writeSubscriptions(
        trx,
        id,
        segments ?? [...new Set(current.map((s) => Number(s.segment_id)))],
        kinds ?? CHANGE_KINDS.filter((kind) => current.some((s) => s.kind === kind)),
      );
    }
  });
  return findWebhook(em, rawId);
}

/**
 * Turns deliveries back on after the webhook was disabled: the failure count
 * starts again from zero and the next attempt is due at once. What was
 * queued meanwhile is delivered.
 */
export async function enableWebhook(em: EntityManager, rawId: string): Promise<WebhookView> {
  const row = await requireWebhookRow(em.getKnex(), rawId);
  await em
    .getKnex()('webhooks')
    .where('id', row.id)
    .update({ disabled_at: null, consecutive_failures: 0, next_attempt_at: null });
  return findWebhook(em, rawId);
}

/** Deletes a webhook with its queue and its delivery history; true when done. */
export async function deleteWebhook(em: EntityManager, rawId: string): Promise<boolean> {
  const row = await requireWebhookRow(em.getKnex(), rawId);
  await em.getKnex()('webhooks').where('id', row.id).delete();
  return true;
}

/**
 * Sends a ping (a delivery without changes) now and answers how it went. A
 * ping is sent once, whether the webhook is enabled or not (to check a
 * receiver before enabling it again), and counts for nothing in the failures.
 */
export async function pingWebhook(
  em: EntityManager,
  rawId: string,
  settings: WebhookSettings,
  send: Sender = postDelivery,
): Promise<AttemptView> {
  const knex = em.getKnex();
  const row = await requireWebhookRow(knex, rawId);
  const ping = await createPing(knex, Number(row.id), Date.now());
  const attemptedAt = Date.now();
  const outcome = await sendDelivery(
    send,
    row as { url: string; secret: string },
    ping,
    settings,
    attemptedAt,
  );
  await recordAttempt(knex, Number(row.id), ping, outcome, attemptedAt);
  return {
    deliveryId: ping.deliveryId,
    type: 'PING',
    changeCount: 0,
    attemptedAt: new Date(attemptedAt),
    status: outcome.ok ? 'SUCCEEDED' : 'FAILED',
    httpStatus: outcome.httpStatus,
    latencyMs: outcome.latencyMs,
    error: outcome.error,
  };
}
