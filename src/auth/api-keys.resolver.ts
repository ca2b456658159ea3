import { Arg, Authorized, Ctx, Field, ID, Mutation, ObjectType, Query, registerEnumType, Resolver } from 'type-graphql';
import { badUserInput, notFound } from '../common/errors';
import { DateTimeScalar } from '../graphql/scalars';
import type { RequestContext } from '../graphql/context';
import { createApiKey, listApiKeys, revokeApiKey } from './api-keys.service';
import { Scope } from '../common/scopes';

registerEnumType(Scope, {
  name: 'Scope',
  description: 'READ: queries; PII: unmasked personal data; WRITE: segments, personas, scoring models; INGEST: customers, orders, events, metrics refreshes; ADMIN: API keys.',
});

@ObjectType('ApiKey', { description: 'An API key as stored: its secret is never shown again after creation, only a hash is kept.' })
export class ApiKeyType {
  @Field(() => ID)
  id!: number;

  @Field()
  name!: string;

  @Field({ description: 'The start of the key (after "seg_"), to tell keys apart.' })
  prefix!: string;

  @Field(() => [Scope])
  scopes!: Scope[];

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true })
  revokedAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Within a minute.' })
  lastUsedAt!: Date | null;
}

@ObjectType('CreatedApiKey')
export class CreatedApiKeyType {
  @Field({ description: 'The secret, shown this once: send it as Authorization: Bearer <key>.' })
  key!: string;

  @Field(() => ApiKeyType)
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
  @Mutation(() => CreatedApiKeyType)
  async createApiKey(@Ctx() ctx: RequestContext, @Arg('name') name: string, @Arg('scopes', () => [Scope]) scopes: Scope[]) {
    try {
      return await createApiKey(ctx.em.getKnex(), name, scopes);
    } catch (error) {
      throw badUserInput(error instanceof Error ? error.message : String(error), /scope/.test(String(error)) ? 'scopes' : 'name');
    }
  }

  @Authorized(Scope.ADMIN)
  @Mutation(() => ApiKeyType, { description: 'Requests with the key are refused from now on; the record stays.' })
  async revokeApiKey(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string) {
    const revoked = /^\d{1,15}$/.test(id) ? await revokeApiKey(ctx.em.getKnex(), Number(id)) : null;
    if (!revoked) throw notFound(`no API key has id "${id}"`);
    return revoked;
  }
}
