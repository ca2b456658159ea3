import { Arg, Authorized, Ctx, Field, ID, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { notFound } from '../common/errors';
import { idOf } from '../common/ids';
import { DateTimeScalar } from '../graphql/scalars';
import { IdArg } from '../graphql/args';
import type { RequestContext } from '../graphql/context';
import { createApiKey, listApiKeys, revokeApiKey } from './api-keys.service';
import { Scope } from '../common/scopes';
import { registerDescribedEnum } from '../graphql/described-enum';

registerDescribedEnum(Scope, {
  name: 'Scope',
  description:
    'What an API key may do. READ: queries; PII: unmasked personal data; WRITE: segments, personas, scoring models; INGEST: customers, orders, events, metrics refreshes; ADMIN: API keys; WEBHOOKS: webhooks.',
  values: {
    READ: 'Run queries (personal data masked).',
    PII: 'Read personal data unmasked (email, phone, names, birth date) and filter on email.',
    WRITE: 'Create, update and delete segments, personas and scoring models.',
    INGEST: 'Upsert customers, record orders and events, refresh metrics.',
    ADMIN: 'Create, list and revoke API keys.',
    WEBHOOKS:
      "List, create, change, enable, test and delete webhooks, which send the ids of customers entering and leaving segments to the webhook's URL.",
  },
});

@ObjectType('ApiKey', {
  description: 'An API key as stored: its secret is never shown again after creation, only a hash is kept.',
})
export class ApiKeyType {
  @Field(() => ID, { description: 'Opaque identifier; pass it to revokeApiKey.' })
  id!: number;

  @Field({ description: 'Who or what the key is for, as given at creation.' })
  name!: string;

  @Field({ description: 'The start of the key (after "seg_"), to tell keys apart.' })
  prefix!: string;

  @Field(() => [Scope], { description: 'What the key may do.' })
  scopes!: Scope[];

  @Field(() => DateTimeScalar, { description: 'When the key was created (ISO instant).' })
  createdAt!: Date;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'When the key was revoked; null while it is valid.',
  })
  revokedAt!: Date | null;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'When a request last used the key, to within a minute; null when never.',
  })
  lastUsedAt!: Date | null;
}

@ObjectType('CreatedApiKey', {
  description: 'A new API key: its secret, shown this once, and its stored record.',
})
export class CreatedApiKeyType {
  @Field({ description: 'The secret, shown this once: send it as Authorization: Bearer <key>.' })
  key!: string;

  @Field(() => ApiKeyType, { description: 'The stored record of the new key.' })
  apiKey!: ApiKeyType;
}

@Resolver()
export class ApiKeyResolver {
  @Authorized(Scope.ADMIN)
  @Query(() => [ApiKeyType], { description: 'Every API key, revoked ones included, oldest first.' })
  apiKeys(@Ctx() ctx: RequestContext) {
    return listApiKeys(ctx.em.getKnex());
  }

  @Authorized(Scope.ADMIN)
  @Mutation(() => CreatedApiKeyType, {
    description: 'Creates an API key; the answer is the only time its secret is shown.',
  })
  async createApiKey(
    @Ctx() ctx: RequestContext,
    @Arg('name', { description: 'Who or what the key is for, 1 to 200 characters (trimmed).' }) name: string,
    @Arg('scopes', () => [Scope], { description: 'What the key may do (at least one scope).' })
    scopes: Scope[],
  ) {
    // The service throws its own validation errors as BAD_USER_INPUT; anything else (a store that fails) stays internal.
    return createApiKey(ctx.em.getKnex(), name, scopes);
  }

  @Authorized(Scope.ADMIN)
  @Mutation(() => ApiKeyType, {
    description: 'Requests with the key are refused from now on; the record stays.',
  })
  async revokeApiKey(
    @Ctx() ctx: RequestContext,
    @IdArg("The API key's id; NOT_FOUND for an unknown one.") id: string,
  ) {
    const key = idOf(id);
    const revoked = key === null ? null : await revokeApiKey(ctx.em.getKnex(), key);
    if (!revoked) throw notFound(`no API key has id "${id}"`);
    return revoked;
  }
}
