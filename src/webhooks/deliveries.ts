import { randomUUID } from 'node:crypto';
import type { Knex } from '@mikro-orm/knex';
import type { WebhookSettings } from '../common/config';
import type { Row } from '../db/raw-rows';
import { rowsOf } from '../db/raw-rows';
import { insertReturningId } from '../db/insert-id';
import { placeholders, sql } from '../filter/sql';
import type { Sender, SendOutcome } from './sender';
import { DELIVERY_ID_HEADER, SIGNATURE_HEADER, signatureHeader } from './signing';

/** Most changes in one delivery. */
export const MAX_CHANGES_PER_DELIVERY = 1000;
/** The attempt that fails this many times in a row (26.5 h of retries at the default base) disables the webhook. */
export const MAX_CONSECUTIVE_FAILURES = 13;
/** The longest wait between two attempts, in units of the first one: 6 h at the default base of 1 min. */
export const MAX_DELAY_FACTOR = 360;
/** Delivered batches, with their attempts, are kept this long for `Webhook.deliveries`. */
export const DELIVERY_RETENTION_MS = 7 * 24 * 3600 * 1000;

/**
 * The wait after the n-th consecutive failure: base × 2^(n-1), at most 360 ×
 * base, stretched by a random 0-25 % so that the webhooks that failed together
 * (a receiver down for everyone) are not retried together. The jitter only
 * lengthens: the schedule's 26.5 h is a floor.
 */
export function retryDelayMs(failures: number, baseMs: number, random: () => number = Math.random): number {
  const step = Math.min(baseMs * 2 ** Math.max(0, failures - 1), baseMs * MAX_DELAY_FACTOR);
  return Math.round(step * (1 + 0.25 * random()));
}

/** One delivery ready to send (or send again). */
export interface PendingDelivery {
  id: number;
  deliveryId: string;
  changeCount: number;
  body: string;
}

export interface DeliveryBody {
  deliveryId: string;
  type: 'changes' | 'ping';
  webhookId: string;
  createdAt: string;
  changes: Array<{
    id: string;
    segmentId: string;
    customerId: string;
    customerExternalId: string | null;
    kind: string;
    at: string;
  }>;
}

function deliveryOf(row: Row): PendingDelivery {
  return {
    id: Number(row.id),
    deliveryId: row.delivery_id,
    changeCount: Number(row.change_count),
    body: row.body,
  };
}

/** The webhook's undelivered batch of changes, if one was made and not yet acknowledged. */
export async function pendingDelivery(knex: Knex, webhookId: number): Promise<PendingDelivery | null> {
  const row = await knex('webhook_deliveries')
    .where({ webhook_id: webhookId, type: 'changes' })
    .whereNull('delivered_at')
    .orderBy('id')
    .first();
  return row ? deliveryOf(row) : null;
}

/**
 * Moves the webhook's oldest queued changes (at most 1,000, in change order)
 * into a new delivery, body written once: every attempt of it sends the same
 * bytes under the same id. One short transaction; nothing is sent inside it.
 * Queued changes whose change row is gone (its segment deleted) are dropped.
 */
export async function batchQueuedChanges(
  knex: Knex,
  webhookId: number,
  now: number,
): Promise<PendingDelivery | null> {
  return knex.transaction(async (trx) => {
    const query = sql`select o.id as outbox_id, c.id, c.segment_id, c.customer_id, cu.external_id, c.kind, c.at
      from webhook_outbox o
      left join segment_changes c on c.id = o.change_id
      left join customers cu on cu.id = c.customer_id
      where o.webhook_id = ${webhookId}
      order by o.change_id, o.id
      limit ${MAX_CHANGES_PER_DELIVERY}`;
    const rows: Row[] = rowsOf(await trx.raw(query.text, query.bindings));
    if (rows.length === 0) return null;
    const deliveryId = randomUUID();
    const changes = rows
      .filter((row) => row.id != null)
      .map((row) => ({
        id: String(row.id),
        segmentId: String(row.segment_id),
        customerId: String(row.customer_id),
        customerExternalId: row.external_id ?? null,
        kind: row.kind,
        at: new Date(Number(row.at)).toISOString(),
      }));
    const outboxIds = rows.map((row) => Number(row.outbox_id));
    const drop = sql`delete from webhook_outbox where id in (${placeholders(outboxIds)})`;
    await trx.raw(drop.text, drop.bindings);
    if (changes.length === 0) return null;
    const body = JSON.stringify({
      deliveryId,
      type: 'changes',
      webhookId: String(webhookId),
      createdAt: new Date(now).toISOString(),
      changes,
    } satisfies DeliveryBody);
    const id = await insertReturningId(trx, 'webhook_deliveries', {
      delivery_id: deliveryId,
      webhook_id: webhookId,
      type: 'changes',
      change_count: changes.length,
      body,
      created_at: now,
    });
    return { id, deliveryId, changeCount: changes.length, body };
  });
}

/** A ping: a delivery without changes, made to be sent once. */
export async function createPing(knex: Knex, webhookId: number, now: number): Promise<PendingDelivery> {
  const deliveryId = randomUUID();
  const body = JSON.stringify({
    deliveryId,
    type: 'ping',
    webhookId: String(webhookId),
    createdAt: new Date(now).toISOString(),
    changes: [],
  } satisfies DeliveryBody);
  const id = await insertReturningId(knex, 'webhook_deliveries', {
    delivery_id: deliveryId,
    webhook_id: webhookId,
    type: 'ping',
    change_count: 0,
    body,
    created_at: now,
  });
  return { id, deliveryId, changeCount: 0, body };
}

/** Signs and sends one delivery; the timestamp signed is the attempt's own. */
export function sendDelivery(
  send: Sender,
  webhook: { url: string; secret: string },
  delivery: PendingDelivery,
  settings: WebhookSettings,
  now: number,
  signal?: AbortSignal,
): Promise<SendOutcome> {
  return send({
    url: webhook.url,
    body: delivery.body,
    headers: {
      [DELIVERY_ID_HEADER]: delivery.deliveryId,
      [SIGNATURE_HEADER]: signatureHeader(webhook.secret, Math.floor(now / 1000), delivery.body),
    },
    timeoutMs: settings.timeoutMs,
    allowPrivateAddresses: settings.allowPrivateAddresses,
    signal,
  });
}

/** Writes an attempt down (what `Webhook.deliveries` shows). */
export async function recordAttempt(
  knex: Knex | Knex.Transaction,
  webhookId: number,
  delivery: PendingDelivery,
  outcome: SendOutcome,
  now: number,
): Promise<void> {
  await knex('webhook_attempts').insert({
    webhook_id: webhookId,
    delivery_id: delivery.id,
    attempted_at: now,
    status: outcome.ok ? 'SUCCEEDED' : 'FAILED',
    http_status: outcome.httpStatus,
    latency_ms: outcome.latencyMs,
    error: outcome.error?.slice(0, 300) ?? null,
  });
  if (outcome.ok) await knex('webhook_deliveries').where('id', delivery.id).update({ delivered_at: now });
}

/**
 * The outcome of an attempt of a batch of changes, in one transaction: the
 * attempt, the delivery acknowledged or the webhook's failure count, next
 * attempt and, at the limit, its disabling.
 */
export async function settleAttempt(
  knex: Knex,
  webhookId: number,
  delivery: PendingDelivery,
  outcome: SendOutcome,
  now: number,
  settings: WebhookSettings,
  random: () => number,
): Promise<void> {
  await knex.transaction(async (trx) => {
    await recordAttempt(trx, webhookId, delivery, outcome, now);
    if (outcome.ok) {
      await trx('webhooks').where('id', webhookId).update({ consecutive_failures: 0, next_attempt_at: null });
      await trx('webhook_deliveries')
        .where('webhook_id', webhookId)
        .where('delivered_at', '<', now - DELIVERY_RETENTION_MS)
        .delete();
      return;
    }
    const row = await trx('webhooks').where('id', webhookId).first('consecutive_failures');
    const failures = Number(row?.consecutive_failures ?? 0) + 1;
    await trx('webhooks')
      .where('id', webhookId)
      .update({
        consecutive_failures: failures,
        next_attempt_at: now + retryDelayMs(failures, settings.retryBaseMs, random),
        ...(failures >= MAX_CONSECUTIVE_FAILURES ? { disabled_at: now } : {}),
      });
  });
}

export interface AttemptView {
  deliveryId: string;
  type: 'CHANGES' | 'PING';
  changeCount: number;
  attemptedAt: Date;
  status: 'SUCCEEDED' | 'FAILED';
  httpStatus: number | null;
  latencyMs: number;
  error: string | null;
}

/** The latest `first` attempts of each webhook, newest first, in one statement. */
export async function recentAttempts(
  knex: Knex,
  webhookIds: readonly number[],
  first: number,
): Promise<Map<number, AttemptView[]>> {
  const query = sql`select * from (
      select a.webhook_id, a.attempted_at, a.status, a.http_status, a.latency_ms, a.error, a.id,
        d.delivery_id, d.type, d.change_count,
        row_number() over (partition by a.webhook_id order by a.id desc) as n
      from webhook_attempts a join webhook_deliveries d on d.id = a.delivery_id
      where a.webhook_id in (${placeholders([...webhookIds])})
    ) recent where n <= ${first} order by webhook_id, id desc`;
  const rows: Row[] = rowsOf(await knex.raw(query.text, query.bindings));
  const byWebhook = new Map<number, AttemptView[]>(webhookIds.map((id) => [id, []]));
  for (const row of rows)
    byWebhook.get(Number(row.webhook_id))?.push({
      deliveryId: row.delivery_id,
      type: row.type === 'ping' ? 'PING' : 'CHANGES',
      changeCount: Number(row.change_count),
      attemptedAt: new Date(Number(row.attempted_at)),
      status: row.status,
      httpStatus: row.http_status == null ? null : Number(row.http_status),
      latencyMs: Number(row.latency_ms),
      error: row.error ?? null,
    });
  return byWebhook;
}
