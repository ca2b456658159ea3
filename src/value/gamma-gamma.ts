import { logGamma, nelderMeadSliced, runToEnd, type Sliced } from './special';

/**
 * The Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV"): the
 * value of a customer's repeat occasions varies around a customer-specific
 * mean. Fitted on customers with x > 0 repeat occasions of mean value m > 0.
 */
export interface GammaGammaParameters {
  p: number;
  q: number;
  v: number;
}

export interface SpendSummary {
  x: number;
  m: number;
  /** How many customers share this (x, m); default 1. */
  weight?: number;
}

export function gammaGammaLogLikelihood({ p, q, v }: GammaGammaParameters, x: number, m: number): number {
  return (
    logGamma(p * x + q) -
    logGamma(p * x) -
    logGamma(q) +
    q * Math.log(v) +
    (p * x - 1) * Math.log(m) +
    p * x * Math.log(x) -
    (p * x + q) * Math.log(v + x * m)
  );
}

/** Σ weight × ln L, with the Γ terms (which depend on x alone) computed once per distinct x. */
export function totalGammaGammaLogLikelihood(
  { p, q, v }: GammaGammaParameters,
  customers: readonly SpendSummary[],
): number {
  const byX = new Map<number, number>();
  let sum = 0;
  for (const c of customers) {
    let common = byX.get(c.x);
    if (common === undefined) {
      common =
        logGamma(p * c.x + q) - logGamma(p * c.x) - logGamma(q) + q * Math.log(v) + p * c.x * Math.log(c.x);
      byX.set(c.x, common);
    }
    sum +=
      (c.weight ?? 1) * (common + (p * c.x - 1) * Math.log(c.m) - (p * c.x + q) * Math.log(v + c.x * c.m));
  }
  return sum;
}

export function fitGammaGamma(customers: readonly SpendSummary[]): GammaGammaParameters {
  return runToEnd(fitGammaGammaSliced(customers));
}

/** fitGammaGamma, pausing after each evaluation of the likelihood (see Sliced). */
export function* fitGammaGammaSliced(customers: readonly SpendSummary[]): Sliced<GammaGammaParameters> {
  const toParameters = (point: number[]) => ({
    p: Math.exp(point[0]),
    q: Math.exp(point[1]),
    v: Math.exp(point[2]),
  });
  const objective = (point: number[]) => {
    if (point.some((value) => Math.abs(value) > 30)) return Infinity;
    const value = -totalGammaGammaLogLikelihood(toParameters(point), customers);
    return Number.isFinite(value) ? value : Infinity;
  };
  let best = yield* nelderMeadSliced(objective, [0, 0, 0]);
  for (let restart = 0; restart < 5; restart++) {
    const again = yield* nelderMeadSliced(objective, best.point, { step: 0.1 });
    const improved = best.value - again.value > 1e-9;
    best = again.value < best.value ? again : best;
    if (!improved) break;
  }
  return toParameters(best.point);
}

/** E[M | x, m]: the expected value of a customer's future occasions (a weighted mean of the population and the customer). */
export function expectedSpend({ p, q, v }: GammaGammaParameters, x: number, m: number): number {
  return (p * (v + x * m)) / (p * x + q - 1);
}
