import { Field, ID, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../graphql/scalars';
import { SegmentType } from '../segments/segment.types';
import type { Segment } from '../entities';
import type { ChangeKind } from './registry';
import { registerDescribedEnum } from '../graphql/described-enum';

/** The kinds of change as a GraphQL enum (the values of registry.ts CHANGE_KINDS). */
export const ChangeKindEnum = { ENTERED: 'ENTERED', EXITED: 'EXITED' } as const satisfies Record<
  ChangeKind,
  ChangeKind
>;
registerDescribedEnum(ChangeKindEnum, {
  name: 'WebhookChangeKind',
  description: 'A kind of segment change a webhook receives.',
  values: {
    ENTERED: 'A customer entered the segment.',
    EXITED: 'A customer left the segment.',
  },
});

export const AttemptStatus = { SUCCEEDED: 'SUCCEEDED', FAILED: 'FAILED' } as const;
registerDescribedEnum(AttemptStatus, {
  name: 'WebhookAttemptStatus',
  description: 'How an attempt to deliver went.',
  values: {
    SUCCEEDED: 'The receiver answered with a 2xx status.',
    FAILED:
      'Any other status, a redirect, no answer within the timeout, a connection error or a refused address.',
  },
});

export const DeliveryType = { CHANGES: 'CHANGES', PING: 'PING' } as const;
registerDescribedEnum(DeliveryType, {
  name: 'WebhookDeliveryType',
  description: 'What a delivery carries.',
  values: {
    CHANGES: 'A batch of segment changes (at most 1,000), retried until delivered.',
    PING: 'No changes: sent once by testWebhook.',
  },
});

@ObjectType('WebhookDeliveryAttempt', { description: 'One HTTP attempt to deliver to a webhook.' })
export class WebhookDeliveryAttemptType {
  @Field(() => ID, {
    description:
      'The delivery id (a UUID), in the body and the Segments-Delivery-Id header: the same on every attempt of one delivery.',
  })
  deliveryId!: string;

  @Field(() => DeliveryType, { description: 'A batch of changes or a ping.' })
  type!: keyof typeof DeliveryType;

  @Field(() => Int, { description: 'Changes in the delivery (0 for a ping).' })
  changeCount!: number;

  @Field(() => DateTimeScalar, { description: 'When the attempt was made.' })
  attemptedAt!: Date;

  @Field(() => AttemptStatus, { description: 'Whether the receiver took it.' })
  status!: keyof typeof AttemptStatus;

  @Field(() => Int, {
    nullable: true,
    description:
      "The receiver's HTTP status; null when none came (connection error, timeout, refused address).",
  })
  httpStatus!: number | null;

  @Field(() => Int, { description: 'Milliseconds from the start of the attempt to its end.' })
  latencyMs!: number;

  @Field(() => String, { nullable: true, description: 'Why it failed, in a line; null on success.' })
  error!: string | null;
}

@ObjectType('Webhook', {
  description:
    'A URL that receives the changes of tracked segments, in signed JSON batches (README, "Reacting to segment changes"). Its signing secret is shown once, by createWebhook.',
})
export class WebhookType {
  @Field(() => ID, { description: 'Opaque identifier.' })
  id!: number;

  @Field({ description: 'Where deliveries are POSTed (http or https).' })
  url!: string;

  @Field(() => [SegmentType], { description: 'The segments whose changes it receives.' })
  segments!: Segment[];

  @Field(() => [ChangeKindEnum], { description: 'The kinds of change it receives.' })
  kinds!: ChangeKind[];

  @Field({
    description:
      'False once it was disabled by 13 consecutive failed attempts; enableWebhook turns it back on.',
  })
  enabled!: boolean;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When it was disabled; null while enabled.' })
  disabledAt!: Date | null;

  @Field(() => Int, { description: 'Failed attempts since the last successful one.' })
  consecutiveFailures!: number;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'After a failure, the earliest time of the next attempt (the backoff); null otherwise.',
  })
  nextAttemptAt!: Date | null;

  @Field(() => DateTimeScalar, { description: 'When it was created.' })
  createdAt!: Date;
}

@ObjectType('CreatedWebhook', { description: 'A new webhook and its signing secret, shown this once.' })
export class CreatedWebhookType {
  @Field({
    description:
      'The HMAC-SHA256 key deliveries are signed with, shown this once: the receiver keeps it to check the Segments-Signature header.',
  })
  secret!: string;

  @Field(() => WebhookType, { description: 'The stored webhook.' })
  webhook!: WebhookType;
}
