import type { ApolloServerPlugin } from '@apollo/server';
import {
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { ErrorCode } from '../common/errors';
import { limitReached } from './errors';
import { DEFAULT_PAGE_SIZE } from '../common/pagination';
import type { Limits } from '../common/config';
import type { RequestContext } from '../graphql/context';

interface Walk {
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

/** Fields below a selection set (fragments flattened), introspection left out: the playground's schema query is not counted. */
function fieldsOf(selectionSet: SelectionSetNode, walk: Walk): FieldNode[] {
  const out: FieldNode[] = [];
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (!selection.name.value.startsWith('__')) out.push(selection);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      out.push(...fieldsOf(selection.selectionSet, walk));
    } else {
      const fragment = walk.fragments.get(selection.name.value);
      if (fragment) out.push(...fieldsOf(fragment.selectionSet, walk));
    }
  }
  return out;
}

/** Depth (root fields are 1) and cost (each field 1; what a field selects, times its `first`). */
export function measure(selectionSet: SelectionSetNode, walk: Walk): { depth: number; cost: number } {
  let depth = 0;
  let cost = 0;
  for (const field of fieldsOf(selectionSet, walk)) {
    const below = field.selectionSet ? measure(field.selectionSet, walk) : { depth: 0, cost: 0 };
    depth = Math.max(depth, 1 + below.depth);
    cost += 1 + multiplier(field, walk) * below.cost;
  }
  return { depth, cost };
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
        async didResolveOperation({ document, operation, request }) {
          if (!operation) return;
          const fragments = new Map<string, FragmentDefinitionNode>();
          for (const definition of document.definitions) {
            if (definition.kind === Kind.FRAGMENT_DEFINITION)
              fragments.set(definition.name.value, definition);
          }
          const { depth, cost } = measure(operation.selectionSet, {
            fragments,
            variables: request.variables ?? {},
          });
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
              `the operation costs ${cost} (each field 1, connections times their first); the limit is ${limits.cost}`,
              { cost, limit: limits.cost },
            );
          }
        },
      };
    },
  };
}
