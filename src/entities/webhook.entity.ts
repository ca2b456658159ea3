import { Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { EpochMillisType } from '../db/epoch-millis.type';
import { Segment } from './segment.entity';

/**
 * A receiver of segment changes (src/webhooks/). The signing secret is kept as
 * given out: unlike an API key, which the service only checks (so a hash is
 * enough), the service must compute the same HMAC as the receiver with it.
 */
@Entity({ tableName: 'webhooks' })
export class Webhook {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'string', length: 2048 })
  url!: string;

  @Property({ type: 'string', length: 100 })
  secret!: string;

  /** Null while deliveries go out; set when the webhook was disabled (by consecutive failures). */
  @Property({ type: EpochMillisType, nullable: true })
  disabledAt?: Date | null;

  /** Failed attempts since the last success: the retry delay grows with it, and it disables the webhook. */
  @Property({ type: 'integer', default: 0 })
  consecutiveFailures = 0;

  /** Earliest time of the next attempt (after a failure, the backoff); null: as soon as there is something. */
  @Property({ type: EpochMillisType, nullable: true })
  nextAttemptAt?: Date | null;

  /** A worker (of any instance) owns the webhook's deliveries until then: one delivery in flight per webhook. */
  @Property({ type: EpochMillisType, nullable: true })
  leaseUntil?: Date | null;

  @Property({ type: EpochMillisType })
  createdAt!: Date;
}

/** One segment and kind of change (ENTERED, EXITED) a webhook receives. */
@Entity({ tableName: 'webhook_subscriptions' })
@Index({ properties: ['segment', 'kind'] })
export class WebhookSubscription {
  @ManyToOne(() => Webhook, { primary: true, deleteRule: 'cascade', fieldName: 'webhook_id' })
  webhook!: Webhook;

  @ManyToOne(() => Segment, { primary: true, deleteRule: 'cascade', fieldName: 'segment_id' })
  segment!: Segment;

  @PrimaryKey({ type: 'string', length: 10 })
  kind!: string;
}

/**
 * The changes a webhook has yet to be sent: written in the transaction that
 * records the changes (src/webhooks/outbox.ts), so a crash loses none; moved
 * into a delivery, at most 1,000 at a time, by the worker.
 */
@Entity({ tableName: 'webhook_outbox' })
@Index({ properties: ['webhook', 'changeId'] })
export class WebhookOutboxEntry {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  @ManyToOne(() => Webhook, { deleteRule: 'cascade', fieldName: 'webhook_id' })
  webhook!: Webhook;

  /** segment_changes.id (no foreign key: that table is the membership tracker's). */
  @Property({ type: 'bigint' })
  changeId!: string;
}

/**
 * One batch as sent, body included, so that every attempt of it carries the
 * same delivery id and the same bytes: a receiver recognises a repeat by its id.
 */
@Entity({ tableName: 'webhook_deliveries' })
@Index({ properties: ['webhook', 'deliveredAt'] })
export class WebhookDelivery {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  /** The delivery id a receiver sees (a UUID). */
  @Property({ type: 'string', length: 36, unique: true })
  deliveryId!: string;

  @ManyToOne(() => Webhook, { deleteRule: 'cascade', fieldName: 'webhook_id' })
  webhook!: Webhook;

  /** `changes` or `ping`. */
  @Property({ type: 'string', length: 10 })
  type!: string;

  @Property({ type: 'integer' })
  changeCount!: number;

  @Property({ type: 'text' })
  body!: string;

  @Property({ type: EpochMillisType })
  createdAt!: Date;

  /** Null while it is still to be delivered. */
  @Property({ type: EpochMillisType, nullable: true })
  deliveredAt?: Date | null;
}

/** One HTTP attempt of a delivery: what `Webhook.deliveries` shows. */
@Entity({ tableName: 'webhook_attempts' })
@Index({ properties: ['webhook', 'id'] })
export class WebhookAttempt {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @ManyToOne(() => Webhook, { deleteRule: 'cascade', fieldName: 'webhook_id' })
  webhook!: Webhook;

  @ManyToOne(() => WebhookDelivery, { deleteRule: 'cascade', fieldName: 'delivery_id' })
  delivery!: WebhookDelivery;

  @Property({ type: EpochMillisType })
  attemptedAt!: Date;

  /** `SUCCEEDED` or `FAILED`. */
  @Property({ type: 'string', length: 10 })
  status!: string;

  /** The receiver's HTTP status; null when none came (refused address, connection error, timeout). */
  @Property({ type: 'integer', nullable: true })
  httpStatus?: number | null;

  @Property({ type: 'integer' })
  latencyMs!: number;

  /** Why it failed, in a line (never the receiver's body). */
  @Property({ type: 'string', length: 300, nullable: true })
  error?: string | null;
}
