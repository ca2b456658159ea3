import { ClassType, Field, Int, ObjectType } from 'type-graphql';
import { encodeCursor, type CursorFormat, type CursorPosition, type Page } from '../common/pagination';
import { CONNECTION } from '../common/descriptions';

@ObjectType({ description: 'Relay page information: where a page sits in its list.' })
export class PageInfo {
  @Field({ description: 'True when more items follow this page.' })
  hasNextPage!: boolean;

  @Field({ description: 'True when the page was asked for with `after`, so items come before it.' })
  hasPreviousPage!: boolean;

  @Field(() => String, {
    nullable: true,
    description: 'Cursor of the first item of the page; null on an empty page.',
  })
  startCursor!: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Cursor of the last item of the page, to pass as `after` for the next page; null on an empty page.',
  })
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
  @ObjectType(`${name}Edge`, { description: CONNECTION.edgeType(name) })
  class Edge {
    @Field({ description: CONNECTION.cursor })
    cursor!: string;

    @Field(() => nodeType, { description: CONNECTION.node(name) })
    node!: T;
  }

  @ObjectType(`${name}ConnectionBase`)
  abstract class ConnectionType {
    @Field(() => [Edge], { description: CONNECTION.edges })
    edges!: Edge[];

    @Field(() => PageInfo, { description: CONNECTION.pageInfo })
    pageInfo!: PageInfo;

    @Field(() => Int, {
      description: 'How many items the whole list holds (every page), counted only when asked for.',
    })
    totalCount!: number;
  }
  return ConnectionType;
}

/**
 * A fetched page. `totalCount` is a getter of the class, on its prototype: not an own property,
 * so a copy of the connection (Object.assign, spread) carries no count and starts none.
 */
class FetchedConnection<T> implements ConnectionShape<T> {
  readonly #count: LazyCount;
  #counted: Promise<number> | undefined;

  constructor(
    readonly edges: Array<{ cursor: string; node: T }>,
    readonly pageInfo: PageInfo,
    count: LazyCount,
  ) {
    this.#count = count;
  }

  get totalCount(): Promise<number> {
    return (this.#counted ??= this.#count());
  }
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
  return new FetchedConnection(
    edges,
    {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: hadCursor,
      startCursor: edges.length ? edges[0].cursor : null,
      endCursor: edges.length ? edges[edges.length - 1].cursor : null,
    },
    totalCount,
  );
}
