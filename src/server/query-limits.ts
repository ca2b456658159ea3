import type { ApolloServerPlugin } from '@apollo/server';
import {
  getNamedType,
  isInterfaceType,
  isObjectType,
  Kind,
  type GraphQLNamedType,
  type GraphQLSchema,
  type DocumentNode,
  type FieldNode,
  type OperationDefinitionNode,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { ErrorCode } from '../common/errors';
import { limitReached } from './errors';
import { savedSegmentCount } from '../segments/segment.service';
import { costOf, LIST_LENGTHS, PRICED_BY_SAVED_SEGMENTS } from './field-costs';
import { DEFAULT_PAGE_SIZE } from '../common/pagination';
import type { Limits } from '../common/config';
import type { RequestContext } from '../graphql/context';

interface Walk {
  schema: GraphQLSchema;
  /** Saved segments, for fields priced by them; 0 until counted. */
  savedSegments: number;
  /** Set when a field priced by the saved segments was met: the caller counts them and measures again. */
  needsSavedSegments: boolean;
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

/** The `first` a field asks for: a literal, a variable, or the default page size for connections (fields returning `…Connection`). */
function multiplier(field: FieldNode, walk: Walk): number {
  const first = field.arguments?.find((argument) => argument.name.value === 'first');
  if (first) {
    const value = valueOf(first.value, walk.variables);
    if (typeof value === 'number' && Number.isFinite(value)) return Math.max(1, value);
  }
  // A field taking `first` without it gets the default page; nested selection sets are usually connections or lists.
  return first ||
    field.selectionSet?.selections.some((s) => s.kind === Kind.FIELD && s.name.value === 'edges')
    ? DEFAULT_PAGE_SIZE
    : 1;
}

function valueOf(node: ValueNode, variables: Record<string, unknown>): unknown {
  if (node.kind === Kind.INT || node.kind === Kind.FLOAT) return Number(node.value);
  if (node.kind === Kind.VARIABLE) return variables[node.name.value];
  return undefined;
}

/** The arguments a field is given: literals, and variables the request sets (a variable left unset is no argument). */
function argumentNames(field: FieldNode, walk: Walk): Set<string> {
  const names = new Set<string>();
  for (const argument of field.arguments ?? []) {
    const given =
      argument.value.kind === Kind.VARIABLE
        ? walk.variables[argument.value.name.value] != null
        : argument.value.kind !== Kind.NULL;
    if (given) names.add(argument.name.value);
  }
  return names;
}

/**
 * Fields below a selection set with the type each is asked on (fragments flattened), introspection
 * left out: the playground's schema query is not counted. Validation ran before, so every name is known;
 * a type that is not an object (an interface, a union) has no entry in the cost table and leaves its fields at 1.
 */
function fieldsOf(
  selectionSet: SelectionSetNode,
  parent: GraphQLNamedType | undefined,
  walk: Walk,
): Array<{ field: FieldNode; parent: GraphQLNamedType | undefined }> {
  const out: Array<{ field: FieldNode; parent: GraphQLNamedType | undefined }> = [];
  const typeOf = (name: string | undefined) => (name ? (walk.schema.getType(name) ?? undefined) : parent);
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (!selection.name.value.startsWith('__')) out.push({ field: selection, parent });
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      out.push(...fieldsOf(selection.selectionSet, typeOf(selection.typeCondition?.name.value), walk));
    } else {
      const fragment = walk.fragments.get(selection.name.value);
      if (fragment)
        out.push(...fieldsOf(fragment.selectionSet, typeOf(fragment.typeCondition.name.value), walk));
    }
  }
  return out;
}

/** The type a field's selection set is asked on. */
function returnTypeOf(parent: GraphQLNamedType | undefined, field: FieldNode): GraphQLNamedType | undefined {
  if (!isObjectType(parent) && !isInterfaceType(parent)) return undefined;
  const definition = parent.getFields()[field.name.value];
  return definition ? getNamedType(definition.type) : undefined;
}

/** A Relay connection: its page is `edges`; `totalCount` and `pageInfo` are asked once whatever its `first`. */
function isConnection(type: GraphQLNamedType | undefined): boolean {
  return isObjectType(type) && 'edges' in type.getFields();
}

/**
 * Depth (root fields are 1) and cost: each field its own cost (1, or what field-costs.ts says the
 * work it starts weighs), plus what it selects times its `first` (for a connection, what its
 * edges select; its count and page info once). `times` says how often each field here is asked.
 */
export function measure(
  selectionSet: SelectionSetNode,
  parent: GraphQLNamedType | undefined,
  walk: Walk,
  times: (field: FieldNode) => number = () => 1,
): { depth: number; cost: number } {
  let depth = 0;
  let cost = 0;
  for (const { field, parent: on } of fieldsOf(selectionSet, parent, walk)) {
    const returned = returnTypeOf(on, field);
    const coordinate = on ? `${on.name}.${field.name.value}` : null;
    const pricing = { args: argumentNames(field, walk), savedSegments: walk.savedSegments };
    if (coordinate && PRICED_BY_SAVED_SEGMENTS.has(coordinate)) walk.needsSavedSegments = true;
    const listLength = coordinate ? LIST_LENGTHS[coordinate] : undefined;
    const page = listLength ? listLength(pricing) : multiplier(field, walk);
    const below = field.selectionSet
      ? measure(
          field.selectionSet,
          returned,
          walk,
          isConnection(returned) ? (child) => (child.name.value === 'edges' ? page : 1) : () => page,
        )
      : { depth: 0, cost: 0 };
    depth = Math.max(depth, 1 + below.depth);
    const own = coordinate ? costOf(coordinate, pricing) : 1;
    cost += times(field) * (own + below.cost);
  }
  return { depth, cost };
}

/** Depth and cost of one operation of a validated document, with its variables. */
export function measureOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  savedSegments = 0,
): { depth: number; cost: number; needsSavedSegments: boolean } {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const walk: Walk = { schema, fragments, variables, savedSegments, needsSavedSegments: false };
  const measured = measure(
    operation.selectionSet,
    schema.getRootType(operation.operation) ?? undefined,
    walk,
  );
  return { ...measured, needsSavedSegments: walk.needsSavedSegments };
}

/**
 * Refuses an operation nested deeper than `limits.depth` (QUERY_TOO_DEEP) or
 * costing more than `limits.cost` (QUERY_TOO_COSTLY) before anything runs,
 * with variables known, so `first: $n` weighs what it asks.
 */
export function queryLimitsPlugin(limits: Limits): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, request, schema, contextValue }) {
          if (!operation) return;
          const variables = request.variables ?? {};
          const first = measureOperation(schema, document, operation, variables);
          // Customer.segments weighs the saved segments: one small count, only for operations asking for it.
          const { depth, cost } = first.needsSavedSegments
            ? measureOperation(
                schema,
                document,
                operation,
                variables,
                await savedSegmentCount(contextValue.em),
              )
            : first;
          if (depth > limits.depth) {
            throw limitReached(
              ErrorCode.QUERY_TOO_DEEP,
              `the operation nests ${depth} levels deep; the limit is ${limits.depth}`,
              { depth, limit: limits.depth },
            );
          }
          if (cost > limits.cost) {
            throw limitReached(
              ErrorCode.QUERY_TOO_COSTLY,
              `the operation costs ${cost} (each field 1 or the weight of the work it starts, per the Limits table; connections times their first); the limit is ${limits.cost}`,
              { cost, limit: limits.cost },
            );
          }
        },
      };
    },
  };
}
