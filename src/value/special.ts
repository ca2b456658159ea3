/**
 * Special functions the purchase-potential models need, written for
 * numerical stability (logarithms throughout).
 */

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos approximation, g = 7, about 15 significant digits). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0];
  for (let i = 1; i < 9; i++) sum += LANCZOS[i] / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** ln B(a, b). */
export function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

/** ln(e^a + e^b) without overflow. */
export function logSumExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const high = Math.max(a, b);
  return high + Math.log(Math.exp(a - high) + Math.exp(b - high));
}

/**
 * The Gauss hypergeometric function ₂F₁(a, b; c; z) for 0 ≤ z < 1, by its
 * power series (the terms shrink geometrically; stops at double precision).
 */
export function hypergeometric2F1(a: number, b: number, c: number, z: number): number {
  if (z < 0 || z >= 1) throw new RangeError(`2F1 series needs 0 ≤ z < 1 (got ${z})`);
  let term = 1;
  let sum = 1;
  for (let j = 0; j < 100_000; j++) {
    term *= (((a + j) * (b + j)) / ((c + j) * (j + 1))) * z;
    sum += term;
    if (Math.abs(term) <= 1e-15 * Math.abs(sum)) return sum;
  }
  throw new Error('2F1 series did not converge');
}

/**
 * A long computation written as a generator that yields between units of
 * work (one likelihood evaluation, one group's predictions), so that it can run
 * either to the end at once or in slices between which the process serves
 * requests: a fit over a million customers' groups takes seconds of CPU, and
 * a service that computed it in one go would answer nobody meanwhile.
 */
export type Sliced<T> = Generator<void, T, void>;

/** Runs the work to its end without pausing. */
export function runToEnd<T>(work: Sliced<T>): T {
  for (;;) {
    const step = work.next();
    if (step.done) return step.value;
  }
}

/** Runs the work, giving the event loop a turn whenever it has run for `sliceMs`. */
export async function runInSlices<T>(work: Sliced<T>, sliceMs = 10): Promise<T> {
  let sliceStart = performance.now();
  for (;;) {
    const step = work.next();
    if (step.done) return step.value;
    if (performance.now() - sliceStart >= sliceMs) {
      await new Promise((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
  }
}

export interface NelderMeadOptions {
  step?: number;
  tolerance?: number;
  maxIterations?: number;
}

export interface NelderMeadResult {
  point: number[];
  value: number;
  iterations: number;
}

/**
 * Nelder–Mead minimisation: derivative-free, robust for the smooth
 * likelihoods here once parameters are taken on a log scale.
 */
export function nelderMead(
  f: (point: number[]) => number,
  start: number[],
  options: NelderMeadOptions = {},
): NelderMeadResult {
  return runToEnd(nelderMeadSliced(f, start, options));
}

/** nelderMead, pausing after each evaluation of f. */
export function* nelderMeadSliced(
  f: (point: number[]) => number,
  start: number[],
  options: NelderMeadOptions = {},
): Sliced<NelderMeadResult> {
  const evaluate = function* (point: number[]): Sliced<number> {
    const value = f(point);
    yield;
    return value;
  };
  const n = start.length;
  const step = options.step ?? 0.5;
  const tolerance = options.tolerance ?? 1e-10;
  const maxIterations = options.maxIterations ?? 20_000;
  let simplex: Array<{ point: number[]; value: number }> = [];
  for (const point of [start, ...start.map((_, i) => start.map((v, j) => (i === j ? v + step : v)))])
    simplex.push({ point, value: yield* evaluate(point) });
  let iterations = 0;
  const combine = (a: number[], b: number[], t: number) => a.map((v, i) => v + t * (b[i] - v));
  // On a likelihood whose optimum lies at infinity along a ridge (a dropout
  // rate tending to zero, say), the simplex can cycle for ever with its
  // values never close together and its best point no longer moving: so it
  // also stops once the best value has not improved for a stretch of
  // iterations, and when the simplex has shrunk to nothing.
  const stallLimit = 50 * (n + 1);
  let sinceImprovement = 0;
  let bestSoFar = Infinity;
  for (; iterations < maxIterations; iterations++) {
    simplex.sort((p, q) => p.value - q.value);
    const best = simplex[0];
    const worst = simplex[n];
    const close = tolerance * (Math.abs(best.value) + tolerance);
    if (Math.abs(worst.value - best.value) <= close) break;
    if (bestSoFar - best.value > close) {
      bestSoFar = best.value;
      sinceImprovement = 0;
    } else if (++sinceImprovement >= stallLimit) break;
    if (simplex.every((p) => p.point.every((v, i) => Math.abs(v - best.point[i]) <= tolerance))) break;
    const centroid = start.map((_, i) => simplex.slice(0, n).reduce((sum, p) => sum + p.point[i], 0) / n);
    const reflected = combine(centroid, worst.point, -1);
    const reflectedValue = yield* evaluate(reflected);
    if (reflectedValue < best.value) {
      const expanded = combine(centroid, worst.point, -2);
      const expandedValue = yield* evaluate(expanded);
      simplex[n] =
        expandedValue < reflectedValue
          ? { point: expanded, value: expandedValue }
          : { point: reflected, value: reflectedValue };
    } else if (reflectedValue < simplex[n - 1].value) {
      simplex[n] = { point: reflected, value: reflectedValue };
    } else {
      const outside = reflectedValue < worst.value;
      const contracted = combine(centroid, outside ? reflected : worst.point, 0.5);
      const contractedValue = yield* evaluate(contracted);
      if (contractedValue < (outside ? reflectedValue : worst.value)) {
        simplex[n] = { point: contracted, value: contractedValue };
      } else {
        const shrunk = [best];
        for (const p of simplex.slice(1)) {
          const point = combine(best.point, p.point, 0.5);
          shrunk.push({ point, value: yield* evaluate(point) });
        }
        simplex = shrunk;
      }
    }
  }
  simplex.sort((p, q) => p.value - q.value);
  return { point: simplex[0].point, value: simplex[0].value, iterations };
}
