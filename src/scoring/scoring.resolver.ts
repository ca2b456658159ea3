import { Authorized, Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { Scope } from '../common/scopes';
import { IdArg } from '../graphql/args';
import type { RequestContext } from '../graphql/context';
import { idOf } from '../common/descriptions';
import {
  createScoringModel,
  deleteScoringModel,
  findScoringModel,
  listScoringModels,
  updateScoringModel,
  type ScoringModelView,
} from './scoring.service';
import { ScoringModelInput, ScoringModelType } from './scoring.types';

@Resolver(() => ScoringModelType)
export class ScoringResolver {
  @Authorized(Scope.READ)
  @Query(() => [ScoringModelType], { description: 'Every scoring model, oldest first.' })
  scoringModels(@Ctx() ctx: RequestContext): Promise<ScoringModelView[]> {
    return listScoringModels(ctx.em);
  }

  @Authorized(Scope.READ)
  @Query(() => ScoringModelType, {
    nullable: true,
    description: 'One scoring model by id; null when none has it.',
  })
  scoringModel(
    @Ctx() ctx: RequestContext,
    @IdArg(idOf('scoring model')) id: string,
  ): Promise<ScoringModelView | null> {
    return findScoringModel(ctx.em, id);
  }

  @Authorized(Scope.WRITE)
  @Mutation(() => ScoringModelType, {
    description: 'Saves a scoring model. BAD_USER_INPUT with the path of a wrong rule.',
  })
  createScoringModel(
    @Ctx() ctx: RequestContext,
    @Arg('input', () => ScoringModelInput, { description: 'The name, description and rules.' })
    input: ScoringModelInput,
  ): Promise<ScoringModelView> {
    return createScoringModel(ctx.em, input);
  }

  @Authorized(Scope.WRITE)
  @Mutation(() => ScoringModelType, {
    description:
      'Replaces the name, description and every rule. A rule may not use a score of this model, directly or through segments and other models.',
  })
  updateScoringModel(
    @Ctx() ctx: RequestContext,
    @IdArg(idOf('scoring model')) id: string,
    @Arg('input', () => ScoringModelInput, { description: 'The new name, description and rules.' })
    input: ScoringModelInput,
  ): Promise<ScoringModelView> {
    return updateScoringModel(ctx.em, id, input);
  }

  @Authorized(Scope.WRITE)
  @Mutation(() => Boolean, {
    description:
      'Deletes the scoring model; true when done. CONFLICT while a segment, persona or other scoring model uses it; NOT_FOUND for an unknown id.',
  })
  deleteScoringModel(@Ctx() ctx: RequestContext, @IdArg(idOf('scoring model')) id: string): Promise<boolean> {
    return deleteScoringModel(ctx.em, id);
  }
}
