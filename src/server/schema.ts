import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { CustomerResolver, EventResolver, OrderResolver } from '../customers/customer.resolver';
// Customer's fields are listed in the order their resolvers load: score and segments before orders and events.
import { CustomerScoreResolver } from '../scoring/customer-score.resolver';
import { CustomerSegmentsResolver } from '../segments/customer-segments.resolver';
import {
  CustomerSegmentHistoryResolver,
  MembershipChangeResolver,
  SegmentHistoryResolver,
  SegmentMembershipIntervalResolver,
} from '../membership/membership.resolver';
import { CustomerActivityResolver } from '../customers/customer-activity.resolver';
import { IngestResolver } from '../ingest/ingest.resolver';
import { SegmentPreviewResolver } from '../segments/preview.resolver';
import { SegmentResolver } from '../segments/segment.resolver';
import { ScoringResolver } from '../scoring/scoring.resolver';
import { ValueResolver } from '../value/value.resolver';
import { DateTimeScalar } from '../graphql/scalars';
import { ROOT } from '../common/descriptions';
import { scopeChecker } from '../auth/auth-checker';
import { agesAtNowWithoutPii, personalCriteriaGuard, personalCriteriaMask } from '../auth/personal-criteria';
import { ApiKeyResolver } from '../auth/api-keys.resolver';
import { CustomerPersonalDataResolver } from '../auth/personal-data.resolver';
import {
  AnalysisResolver,
  PreviewStatsResolver,
  SegmentAnalysisResolver,
  StatsWarningsResolver,
} from '../analysis/analysis.resolver';
import { CustomerPersonaResolver, PersonaResolver } from '../personas/persona.resolver';
import { WebhookResolver } from '../webhooks/webhooks.resolver';
import { CatalogEventResolver, CatalogResolver } from '../catalog/catalog.resolver';
import { textArgumentsGuard } from './text-arguments';
import { heavyWorkGuard } from './heavy-work';

export const RESOLVERS = [
  CustomerResolver,
  CustomerScoreResolver,
  CustomerSegmentsResolver,
  CustomerSegmentHistoryResolver,
  CustomerActivityResolver,
  OrderResolver,
  EventResolver,
  IngestResolver,
  SegmentPreviewResolver,
  SegmentResolver,
  SegmentHistoryResolver,
  MembershipChangeResolver,
  SegmentMembershipIntervalResolver,
  ValueResolver,
  ScoringResolver,
  PersonaResolver,
  CustomerPersonaResolver,
  AnalysisResolver,
  SegmentAnalysisResolver,
  PreviewStatsResolver,
  StatsWarningsResolver,
  CatalogResolver,
  CatalogEventResolver,
  ApiKeyResolver,
  CustomerPersonalDataResolver,
  WebhookResolver,
] as const;

let built: Promise<GraphQLSchema> | undefined;

/** The executable schema, built once from the resolver classes (code-first). */
export function buildAppSchema(): Promise<GraphQLSchema> {
  built ??= buildSchema({
    // type-graphql declares resolver classes as `Function`s.
    // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
    resolvers: [...RESOLVERS] as unknown as [Function, ...Function[]],
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
    // @Authorized(scope…) on root fields (and on fields that read the base): UNAUTHENTICATED / FORBIDDEN from scopeChecker.
    authChecker: scopeChecker,
    authMode: 'error',
    globalMiddlewares: [
      textArgumentsGuard,
      personalCriteriaGuard,
      agesAtNowWithoutPii,
      personalCriteriaMask,
      heavyWorkGuard,
    ],
    validate: false,
    emitSchemaFile: false,
  }).then((schema) => {
    // type-graphql takes no description for the root types.
    schema.getQueryType()!.description = ROOT.query;
    schema.getMutationType()!.description = ROOT.mutation;
    return schema;
  });
  return built;
}
