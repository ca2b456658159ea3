import { AsyncLocalStorage } from 'node:async_hooks';
import { forbidden } from './errors';

/**
 * The instant at which a caller may learn ages, when it may not choose one.
 *
 * An age taken at a chosen instant is a birth date in disguise: asked at 366
 * consecutive dates (`Customer.age(asOf:)`, an age criterion evaluated at
 * `asOf`, an explanation's actual age), the day it changes is the birthday
 * that `birthDate: null` hides. So a caller without the pii scope learns ages
 * at the request's own now only, and every age the service takes goes
 * through `ageAt` (common/dates) or `ageCutoff` (filter/window), which ask
 * here first.
 *
 * The limit travels with the work of a request, not through every signature
 * from the resolvers to those two functions: the age criterion sits deep in
 * the filter engine, reached through saved segments, personas and scoring
 * rules, and a parameter would have to be threaded through each way in, where
 * a forgotten one would leak silently. Work outside any request (metrics
 * refresh, budget measurement, tests of the engine) has no limit.
 */
const onlyAt = new AsyncLocalStorage<Date | null>();

/** Runs `work` with ages allowed at `instant` only (null: at any instant). */
export function withAgesAt<T>(instant: Date | null, work: () => T): T {
  return onlyAt.run(instant, work);
}

/** FORBIDDEN when the work in progress may not take an age at `asOf`. */
export function checkAgeInstant(asOf: Date): void {
  const allowed = onlyAt.getStore();
  if (allowed && allowed.getTime() !== asOf.getTime())
    throw forbidden(
      'ages at a chosen instant (asOf, from) need the pii scope: they would reveal birth dates; without it, leave asOf out and ages are taken now',
    );
}
