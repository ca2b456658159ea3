import type { MiddlewareFn } from 'type-graphql';
import { DomainError, ErrorCode } from '../common/errors';
import type { Caller } from '../common/scopes';
import type { RequestContext } from '../graphql/context';
import type { RunHeavy } from '../graphql/loaders';
import type { Database } from '../orm/database';
import { FIELD_COSTS, isHeavy } from './field-costs';

/**
 * Heavy fields (a statement over the whole base, clustering: field-costs.ts) one key may have
 * running at once, across all its requests. On SQLite queries share a few read connections
 * (database.ts), so what a key has running is what anyone else's query may wait behind.
 */
export const HEAVY_PLACES_PER_KEY = 2;
/** How long heavy work waits for a place before it is refused with RATE_LIMITED. */
export const HEAVY_WAIT_MS = 30_000;

/** A counting semaphore: `places` pieces of work at once, the others wait in order of arrival. */
export class HeavyGate {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    readonly places: number,
    private readonly waitMs: number,
  ) {}

  /** True when nothing runs or waits: the gate can be forgotten. */
  get idle(): boolean {
    return this.running === 0 && this.waiting.length === 0;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    await this.enter();
    try {
      return await work();
    } finally {
      this.leave();
    }
  }

  private enter(): Promise<void> {
    if (this.running < this.places) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const admit = () => {
        clearTimeout(timer);
        this.running++;
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(admit), 1);
        reject(
          new DomainError(
            ErrorCode.RATE_LIMITED,
            `this key already has ${this.places} heavy fields running and more waiting; this one waited ${this.waitMs / 1000} s for a place: retry later`,
            { limit: this.places, retryAfter: 1 },
          ),
        );
      }, this.waitMs);
      this.waiting.push(admit);
    });
  }

  private leave(): void {
    this.running--;
    this.waiting.shift()?.();
  }
}

/**
 * The gates of one service, one per key (every caller of the open demo shares one). Kept by
 * database so that services in one process (tests) do not share places; a gate is dropped
 * when its key has nothing running or waiting.
 */
const gatesByDatabase = new WeakMap<Database, Map<string, HeavyGate>>();

export function heavyWorkOf(
  db: Database,
  caller: Caller | null,
  places = HEAVY_PLACES_PER_KEY,
  waitMs = HEAVY_WAIT_MS,
): RunHeavy {
  let gates = gatesByDatabase.get(db);
  if (!gates) gatesByDatabase.set(db, (gates = new Map()));
  const key = caller?.keyId == null ? 'open' : `key:${caller.keyId}`;
  const all = gates;
  return async (work) => {
    let gate = all.get(key);
    if (!gate) all.set(key, (gate = new HeavyGate(places, waitMs)));
    try {
      return await gate.run(work);
    } finally {
      if (gate.idle) all.delete(key);
    }
  };
}

/** The arguments a resolver was given (left out or null is not given). */
function given(args: Record<string, unknown>): Set<string> {
  return new Set(Object.keys(args).filter((name) => args[name] != null));
}

/** Runs every heavy field (field-costs.ts) through its key's gate; other fields run at once. */
export const heavyWorkGuard: MiddlewareFn<RequestContext> = ({ info, args, context }, next) => {
  const coordinate = `${info.parentType.name}.${info.fieldName}`;
  // Most fields are in no table: no look at their arguments.
  if (!(coordinate in FIELD_COSTS) || !isHeavy(coordinate, given(args))) return next();
  return context.heavy(() => Promise.resolve(next()));
};
