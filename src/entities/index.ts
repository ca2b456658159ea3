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
import { ScoringModel, ScoringRule } from './scoring-model.entity';
import { SavedFilterReference } from './saved-filter-reference.entity';
import { Segment } from './segment.entity';
import { ValueModelRun } from './value-model.entity';

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
  Persona,
  ScoringModel,
  ScoringRule,
  SavedFilterReference,
  ApiKey,
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
  SavedFilterReference,
  ScoringModel,
  ScoringRule,
  Segment,
  ValueModelRun,
};
