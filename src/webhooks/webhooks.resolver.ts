import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { badUserInput } from '../common/errors';
import { Scope } from '../common/scopes';
import { IdArg } from '../graphql/args';
import type { RequestContext } from '../graphql/context';
import {
  createWebhook,
  deleteWebhook,
  enableWebhook,
  listWebhooks,
  pingWebhook,
  updateWebhook,
  type ChangeKind,
  type WebhookView,
} from './registry';
import { ChangeKindEnum, CreatedWebhookType, WebhookDeliveryAttemptType, WebhookType } from './webhook.types';
import { recentAttemptsLoader } from './webhook.loaders';

const ID_OF_WEBHOOK = "The webhook's id; NOT_FOUND for an unknown one.";
/** Most attempts `Webhook.deliveries` lists. */
const MAX_ATTEMPTS_LISTED = 100;

/**
 * Webhooks need the `webhooks` scope of their own, neither `write` (a key that
 * saves segments should not make the service send requests to a URL of its
 * choosing) nor `admin` (an integrator's webhooks need no power over API
 * keys). A webhook receives the ids of the customers entering and leaving the
 * segments it follows, no personal data: the scope is granted like `read`.
 */
@Resolver(() => WebhookType)
export class WebhookResolver {
  @Authorized(Scope.WEBHOOKS)
  @Query(() => [WebhookType], { description: 'Every webhook, oldest first.' })
  webhooks(@Ctx() ctx: RequestContext): Promise<WebhookView[]> {
    return listWebhooks(ctx.em);
  }

  @Authorized(Scope.WEBHOOKS)
  @Mutation(() => CreatedWebhookType, {
    description:
      'Creates a webhook receiving the changes of the given segments; the answer is the only time its signing secret is shown. BAD_USER_INPUT for a URL that is not http(s), reaches a refused address, or segments that do not exist.',
  })
  createWebhook(
    @Ctx() ctx: RequestContext,
    @Arg('url', { description: 'Where to POST deliveries: http or https, at most 2,048 characters.' })
    url: string,
    @Arg('segments', () => [ID], { description: 'The saved segments to follow (1 to 100).' })
    segments: string[],
    @Arg('kinds', () => [ChangeKindEnum], {
      defaultValue: ['ENTERED', 'EXITED'],
      description: 'The kinds of change to receive (at least one).',
    })
    kinds: ChangeKind[],
  ) {
    return createWebhook(ctx.em, { url, segments, kinds }, ctx.settings.webhooks);
  }

  @Authorized(Scope.WEBHOOKS)
  @Mutation(() => WebhookType, {
    description:
      'Changes what is given (the rest stays); the new segments and kinds apply to changes recorded from then on. The secret stays the same.',
  })
  updateWebhook(
    @Ctx() ctx: RequestContext,
    @IdArg(ID_OF_WEBHOOK) id: string,
    @Arg('url', () => String, { nullable: true, description: 'A new URL (same rules as createWebhook).' })
    url?: string | null,
    @Arg('segments', () => [ID], { nullable: true, description: 'The new list of segments to follow.' })
    segments?: string[] | null,
    @Arg('kinds', () => [ChangeKindEnum], { nullable: true, description: 'The new kinds of change.' })
    kinds?: ChangeKind[] | null,
  ): Promise<WebhookView> {
    return updateWebhook(
      ctx.em,
      id,
      { url: url ?? undefined, segments: segments ?? undefined, kinds: kinds ?? undefined },
      ctx.settings.webhooks,
    );
  }

  @Authorized(Scope.WEBHOOKS)
  @Mutation(() => WebhookType, {
    description:
      'Turns a disabled webhook back on: the failure count restarts from zero and what was queued meanwhile is delivered.',
  })
  enableWebhook(@Ctx() ctx: RequestContext, @IdArg(ID_OF_WEBHOOK) id: string): Promise<WebhookView> {
    return enableWebhook(ctx.em, id);
  }

  @Authorized(Scope.WEBHOOKS)
  @Mutation(() => Boolean, {
    description: 'Deletes the webhook, its queued changes and its delivery history; true when done.',
  })
  deleteWebhook(@Ctx() ctx: RequestContext, @IdArg(ID_OF_WEBHOOK) id: string): Promise<boolean> {
    return deleteWebhook(ctx.em, id);
  }

  @Authorized(Scope.WEBHOOKS)
  @Mutation(() => WebhookDeliveryAttemptType, {
    description:
      'Sends a ping (a signed delivery without changes) now, once, even to a disabled webhook, and answers how it went. It does not count as a failure.',
  })
  testWebhook(@Ctx() ctx: RequestContext, @IdArg(ID_OF_WEBHOOK) id: string) {
    return pingWebhook(ctx.em, id, ctx.settings.webhooks);
  }

  @Authorized(Scope.WEBHOOKS)
  @FieldResolver(() => [WebhookDeliveryAttemptType], {
    description: 'The latest attempts, newest first (delivered batches are kept 7 days).',
  })
  deliveries(
    @Root() webhook: WebhookView,
    @Ctx() ctx: RequestContext,
    @Arg('first', () => Int, { defaultValue: 20, description: 'How many attempts, 1 to 100.' }) first: number,
  ) {
    if (first < 1 || first > MAX_ATTEMPTS_LISTED)
      throw badUserInput(`first must be between 1 and ${MAX_ATTEMPTS_LISTED}`, 'first');
    return ctx.loaders.get(recentAttemptsLoader).load({ webhookId: webhook.id, first });
  }
}
