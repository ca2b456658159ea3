import { ApiKey } from './api-key.entity';
import { CustomerAttribute } from './customer-attribute.entity';
import { CustomerInterest } from './customer-interest.entity';
import { CustomerMetrics } from './customer-metrics.entity';
import { Customer } from './customer.entity';
import { MetricsDirty } from './metrics-dirty.entity';
import { Event } from './event.entity';
import { OrderCategory } from './order-category.entity';
import { Order } from './order.entity';
import { Persona } from './persona.entity';
import { RateLimitBucket } from './rate-limit-bucket.entity';
import { ScoringModel, ScoringRule } from './scoring-model.entity';
import { SavedFilterReference } from './saved-filter-reference.entity';
import { SegmentChange, MembershipChangeKind } from './segment-change.entity';
import { SegmentMembership } from './segment-membership.entity';
import { Segment } from './segment.entity';
import { ValueModelRun } from './value-model.entity';
import { WorkMarker } from './work-marker.entity';
import {
  Webhook,
  WebhookAttempt,
  WebhookDelivery,
  WebhookOutboxEntry,
  WebhookSubscription,
} from './webhook.entity';

export const ENTITIES = [
  Customer,
  CustomerInterest,
  CustomerAttribute,
  Order,
  OrderCategory,
  Event,
  CustomerMetrics,
  MetricsDirty,
  ValueModelRun,
  Segment,
  SegmentMembership,
  SegmentChange,
  Persona,
  ScoringModel,
  ScoringRule,
  SavedFilterReference,
  ApiKey,
  RateLimitBucket,
  WorkMarker,
  Webhook,
  WebhookSubscription,
  WebhookOutboxEntry,
  WebhookDelivery,
  WebhookAttempt,
];

export {
  ApiKey,
  Customer,
  CustomerAttribute,
  CustomerInterest,
  CustomerMetrics,
  Event,
  MetricsDirty,
  Order,
  OrderCategory,
  Persona,
  RateLimitBucket,
  SavedFilterReference,
  ScoringModel,
  ScoringRule,
  Segment,
  SegmentChange,
  SegmentMembership,
  MembershipChangeKind,
  ValueModelRun,
  WorkMarker,
  Webhook,
  WebhookAttempt,
  WebhookDelivery,
  WebhookOutboxEntry,
  WebhookSubscription,
};
