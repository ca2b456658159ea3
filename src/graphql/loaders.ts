import type { EntityManager } from '@mikro-orm/knex';

/**
 * A request-scoped loader, defined once by the feature that owns it. The
 * request's registry makes it on first use, so the context names no feature
 * and a new loader touches only its own folder.
 */
export interface LoaderDefinition<T> {
  readonly create: (em: EntityManager, now: Date) => T;
}

export function defineLoader<T>(create: (em: EntityManager, now: Date) => T): LoaderDefinition<T> {
  return { create };
}

/** The loaders of one request: each made once, so its batch and cache serve the whole request and no other. */
export class LoaderRegistry {
  private readonly made = new Map<LoaderDefinition<unknown>, unknown>();

  constructor(
    private readonly em: EntityManager,
    private readonly now: Date,
  ) {}

  get<T>(definition: LoaderDefinition<T>): T {
    if (!this.made.has(definition)) this.made.set(definition, definition.create(this.em, this.now));
    return this.made.get(definition) as T;
  }
}
