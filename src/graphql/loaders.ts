import type { EntityManager } from '@mikro-orm/knex';

/**
 * Runs heavy work (a statement over the whole base, clustering) when one of the caller's places
 * for heavy work is free: a key has only a few at once, across all its requests.
 */
export type RunHeavy = <T>(work: () => Promise<T>) => Promise<T>;

/**
 * A request-scoped loader, defined once by the feature that owns it. The
 * request's registry makes it on first use, so the context names no feature
 * and a new loader touches only its own folder.
 */
export interface LoaderDefinition<T> {
  readonly create: (em: EntityManager, now: Date, heavy: RunHeavy) => T;
}

export function defineLoader<T>(
  create: (em: EntityManager, now: Date, heavy: RunHeavy) => T,
): LoaderDefinition<T> {
  return { create };
}

/** The loaders of one request: each made once, so its batch and cache serve the whole request and no other. */
export class LoaderRegistry {
  private readonly made = new Map<LoaderDefinition<unknown>, unknown>();

  constructor(
    private readonly em: EntityManager,
    private readonly now: Date,
    private readonly heavy: RunHeavy = (work) => work(),
  ) {}

  get<T>(definition: LoaderDefinition<T>): T {
    if (!this.made.has(definition))
      this.made.set(definition, definition.create(this.em, this.now, this.heavy));
    return this.made.get(definition) as T;
  }
}
