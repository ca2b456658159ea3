import { Field, Int, ObjectType } from 'type-graphql';
import { Channel } from '../common/enums';
import '../graphql/graphql-enums';
import { CATALOG_LIMITS, type AttributeValueType } from './catalog.service';
import { registerDescribedEnum } from '../graphql/described-enum';

export enum AttributeType {
  STRING = 'string',
  NUMBER = 'number',
  BOOLEAN = 'boolean',
}
registerDescribedEnum(AttributeType, {
  name: 'AttributeType',
  description: 'The type of a stored attribute value, which decides the operator input a filter uses.',
  values: {
    STRING: 'Text: filtered with AttributeFilter.string.',
    NUMBER: 'A number: filtered with AttributeFilter.number.',
    BOOLEAN: 'true or false: filtered with AttributeFilter.bool.',
  },
});

export const attributeTypeOf = (type: AttributeValueType): AttributeType =>
  ({ string: AttributeType.STRING, number: AttributeType.NUMBER, boolean: AttributeType.BOOLEAN })[type];

@ObjectType('CatalogValue', {
  description: 'A value present in the base and how often; the list it is in says what count counts.',
})
export class CatalogValueType {
  @Field({ description: 'The value as a filter names it (exact, case included).' })
  value!: string;

  @Field(() => Int, { description: 'How many carry it: customers, orders or events, as its list says.' })
  count!: number;
}

@ObjectType('CatalogChannel', { description: 'A channel among the latest events of a name.' })
export class CatalogChannelType {
  @Field(() => Channel, { description: 'The channel.' })
  channel!: Channel;

  @Field(() => Int, {
    description: 'Events on this channel among the sampled ones (see CatalogEvent.sampled).',
  })
  count!: number;
}

@ObjectType('CatalogAttribute', {
  description: 'An integrator attribute key, once per value type it is stored with.',
})
export class CatalogAttributeType {
  @Field({ description: 'The key, as AttributeFilter.key takes it.' })
  key!: string;

  @Field(() => AttributeType, { description: 'The type of the values counted here.' })
  type!: AttributeType;

  @Field(() => Int, { description: 'Customers holding the key with a value of this type.' })
  customers!: number;
}

@ObjectType('CatalogEvent', {
  description: `An event name with its number of events; its channels and property keys are read from its latest ${CATALOG_LIMITS.eventSample.toLocaleString('en')} events.`,
})
export class CatalogEventType {
  @Field({ description: 'The event name, as EventCriterion.name takes it.' })
  name!: string;

  @Field(() => Int, { description: 'Events of this name, all history.' })
  events!: number;
}

@ObjectType('Catalog', {
  description:
    'What the base holds, for pickers: names and values a filter can use, each with its count, largest first (ties by value). ' +
    `Each list is one grouped statement on an index, kept for ${CATALOG_LIMITS.cacheMs / 1000} s per store, so it may lag ingestion by that much; values nobody has are not listed.`,
})
export class CatalogType {}
