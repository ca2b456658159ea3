import { ClassType, Field, Int, ObjectType } from 'type-graphql';
import { encodeCursor, type CursorFormat, type CursorPosition, type Page } from './pagination';

@ObjectType({ description: 'Relay page information.' })
export class PageInfo {
  @Field()
  hasNextPage!: boolean;

  @Field()
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true })
  startCursor!: string | null;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

/** Counting is a statement of its own, run only when a client asks for `totalCount`. */
export type LazyCount = () => Promise<number>;

export interface ConnectionShape<T> {
  edges: Array<{ cursor: string; node: T }>;
  pageInfo: PageInfo;
  /** A getter: the count runs when (and only when) the field is read. */
  readonly totalCount: Promise<number>;
}

/**
 * Builds a Relay connection type for a node type. `totalCount` is a getter
 * on the returned object, so pages which do not ask for it never pay for the count.
 */
export function Connection<T extends object>(nodeType: ClassType<T>, name: string) {
  @ObjectType(`${name}Edge`)
  class Edge {
    @Field()
    cursor!: string;

    @Field(() => nodeType)
    node!: T;
  }

  @ObjectType(`${name}ConnectionBase`)
  abstract class ConnectionType {
    @Field(() => [Edge])
    edges!: Edge[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    @Field(() => Int, { description: 'How many nodes the whole connection holds.' })
    totalCount!: number;
  }
  return ConnectionType;
}

/** Wraps a fetched page into the connection shape; each edge's cursor is its node's position under `format`. */
export function toConnection<T>(
  page: Page<T>,
  format: CursorFormat,
  positionOf: (node: T) => CursorPosition,
  hadCursor: boolean,
  totalCount: LazyCount,
): ConnectionShape<T> {
  const edges = page.items.map((node) => ({ cursor: encodeCursor(format, positionOf(node)), node }));
  let counted: Promise<number> | undefined;
  const connection = {
    edges,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: hadCursor,
      startCursor: edges.length ? edges[0].cursor : null,
      endCursor: edges.length ? edges[edges.length - 1].cursor : null,
    },
  };
  // Not enumerable: a copy of the connection (Object.assign, spread) must not start the count.
  Object.defineProperty(connection, 'totalCount', { enumerable: false, get: () => (counted ??= totalCount()) });
  return connection as ConnectionShape<T>;
}
