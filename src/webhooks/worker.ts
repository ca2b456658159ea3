import type { Knex } from '@mikro-orm/knex';
import type { WebhookSettings } from '../common/config';
import type { Logger } from '../common/logger';
import type { Row } from '../db/raw-rows';
import { rowsOf } from '../db/raw-rows';
import type { Database } from '../orm/database';
import { sql } from '../filter/sql';
import { batchQueuedChanges, pendingDelivery, sendDelivery, settleAttempt } from './deliveries';
import { postDelivery, type Sender } from './sender';

/** Webhooks served at once by one worker: a slow receiver holds one place, not the queue. */
const CONCURRENCY = 4;
/** Due webhooks read per round. */
const DUE_PER_ROUND = 100;
/**
 * A lease outlives an attempt's timeout by this much (the statements around the request): after a
 * crash, the webhook's deliveries resume once it runs out.
 */
const LEASE_MARGIN_MS = 10_000;
/** Deliveries sent to one webhook before the worker turns to the others. */
const DELIVERIES_PER_TURN = 20;

export interface WorkerOptions {
  /** Milliseconds since the epoch; tests move it forward instead of waiting. */
  clock?: () => number;
  random?: () => number;
  send?: Sender;
}

/**
 * Sends what the outbox holds, driven by the tables only: a restart (or
 * another instance) picks up where the last one stopped. Each webhook has at
 * most one delivery in flight, held by a lease in its row (so instances
 * sharing a PostgreSQL do not send the same batch twice at once, and a lease
 * left by a killed process runs out); each delivery is made in one short
 * transaction, sent with none open, and its outcome written in another: the
 * connection readers need is never held while a receiver answers.
 *
 * At least once: a process killed after a receiver took a delivery and before
 * its success was written sends that delivery again, with the same id.
 */
export class WebhookWorker {
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> | undefined;
  private stopped = false;
  private readonly aborter = new AbortController();
  private readonly clock: () => number;
  private readonly random: () => number;
  private readonly send: Sender;

  constructor(
    private readonly db: Database,
    private readonly settings: WebhookSettings,
    private readonly logger: Logger,
    options: WorkerOptions = {},
  ) {
    this.clock = options.clock ?? Date.now;
    this.random = options.random ?? Math.random;
    this.send = options.send ?? postDelivery;
  }

  /** Polls every `pollMs` until stopped. */
  start(): void {
    if (this.settings.pollMs === null || this.stopped) return;
    const pollMs = this.settings.pollMs;
    const next = () => {
      if (this.stopped) return;
      this.timer = setTimeout(() => {
        void this.runOnce().finally(next);
      }, pollMs);
      this.timer.unref();
    };
    next();
  }

  /** One round: every webhook due now is served (tests call this instead of starting the timer). */
  runOnce(): Promise<void> {
    this.round ??= this.serveDue()
      .catch((error) => this.logger.error('webhook deliveries failed:', error))
      .finally(() => (this.round = undefined));
    return this.round;
  }

  /** Stops polling; a delivery in flight is cut short and left to send again after the restart. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.aborter.abort();
    await this.round;
  }

  private knex(): Knex {
    return this.db.fork().getKnex();
  }

  private async serveDue(): Promise<void> {
    const due = await this.dueWebhooks();
    const queue = [...due];
    const serveNext = async (): Promise<void> => {
      for (let id = queue.shift(); id !== undefined && !this.stopped; id = queue.shift()) {
        await this.serve(id).catch((error) => this.logger.error(`webhook ${id}: deliveries failed:`, error));
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, due.length) }, serveNext));
  }

  /** Enabled webhooks whose backoff is over, not leased, with a batch to send or changes queued. */
  private async dueWebhooks(): Promise<number[]> {
    const now = this.clock();
    const query = sql`select w.id from webhooks w
      where w.disabled_at is null
        and (w.next_attempt_at is null or w.next_attempt_at <= ${now})
        and (w.lease_until is null or w.lease_until < ${now})
        and (exists (select 1 from webhook_outbox o where o.webhook_id = w.id)
          or exists (select 1 from webhook_deliveries d
            where d.webhook_id = w.id and d.type = ${'changes'} and d.delivered_at is null))
      order by w.id
      limit ${DUE_PER_ROUND}`;
    return rowsOf(await this.knex().raw(query.text, query.bindings)).map((row: Row) => Number(row.id));
  }

  /**
   * Takes the webhook's lease for one attempt (its timeout and a margin): its
   * end, or null when another worker holds it or the webhook is no longer due.
   */
  private async lease(webhookId: number): Promise<number | null> {
    const now = this.clock();
    const until = now + this.settings.timeoutMs + LEASE_MARGIN_MS;
    const updated = await this.knex()('webhooks')
      .where('id', webhookId)
      .whereNull('disabled_at')
      .where((q) => q.whereNull('next_attempt_at').orWhere('next_attempt_at', '<=', now))
      .where((q) => q.whereNull('lease_until').orWhere('lease_until', '<', now))
      .update({ lease_until: until });
    return Number(updated) === 1 ? until : null;
  }

  private async serve(webhookId: number): Promise<void> {
    for (let turn = 0; turn < DELIVERIES_PER_TURN && !this.stopped; turn++) {
      const lease = await this.lease(webhookId);
      if (lease === null) return;
      try {
        const knex = this.knex();
        const delivery =
          (await pendingDelivery(knex, webhookId)) ??
          (await batchQueuedChanges(knex, webhookId, this.clock()));
        if (!delivery) return;
        const webhook = await knex('webhooks').where('id', webhookId).first('url', 'secret');
        if (!webhook) return;
        const outcome = await sendDelivery(
          this.send,
          webhook,
          delivery,
          this.settings,
          this.clock(),
          this.aborter.signal,
        );
        if (outcome.aborted) return;
        await settleAttempt(knex, webhookId, delivery, outcome, this.clock(), this.settings, this.random);
        if (!outcome.ok) return;
      } finally {
        await this.knex()('webhooks')
          .where({ id: webhookId, lease_until: lease })
          .update({ lease_until: null });
      }
    }
  }
}
