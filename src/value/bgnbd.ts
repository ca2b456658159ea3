import {
  hypergeometric2F1,
  logBeta,
  logGamma,
  logSumExp,
  nelderMeadSliced,
  runToEnd,
  type Sliced,
} from './special';

/**
 * The BG/NBD model of Fader, Hardie & Lee (2005), "Counting Your Customers the
 * Easy Way". Per customer: x repeat purchase occasions, t_x the time of the
 * last one and T the time since the first, both from the first occasion,
 * in weeks. Parameters r, alpha (purchase rate) and a, b (dropout).
 */
export interface BgNbdParameters {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/** Customers with the same (x, t_x, T) share one term: `weight` of them. */
export interface RepeatSummary {
  x: number;
  tx: number;
  T: number;
  weight: number;
}

/** ln L of one customer (the paper's equation 6, in logs so that large x stays finite). */
export function bgnbdLogLikelihood(
  { r, alpha, a, b }: BgNbdParameters,
  x: number,
  tx: number,
  T: number,
): number {
  const common = logGamma(r + x) - logGamma(r) + r * Math.log(alpha) + logBeta(a, b + x) - logBeta(a, b);
  const alive = -(r + x) * Math.log(alpha + T);
  const dropped = x > 0 ? Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx) : -Infinity;
  return common + logSumExp(alive, dropped);
}

/**
 * Σ weight × ln L over grouped customers: the sum of bgnbdLogLikelihood, with
 * the Γ and B terms (which depend on x alone) computed once per distinct x,
 * since a fit evaluates this hundreds of times over up to a few hundred
 * thousand distinct triples.
 */
export function totalLogLikelihood(
  { r, alpha, a, b }: BgNbdParameters,
  customers: readonly RepeatSummary[],
): number {
  const shared = -logGamma(r) + r * Math.log(alpha) - logBeta(a, b);
  const byX = new Map<number, { common: number; logDropped: number }>();
  let sum = 0;
  for (const c of customers) {
    let terms = byX.get(c.x);
    if (!terms) {
      terms = {
        common: shared + logGamma(r + c.x) + logBeta(a, b + c.x),
        logDropped: c.x > 0 ? Math.log(a) - Math.log(b + c.x - 1) : -Infinity,
      };
      byX.set(c.x, terms);
    }
    const alive = -(r + c.x) * Math.log(alpha + c.T);
    const dropped = c.x > 0 ? terms.logDropped - (r + c.x) * Math.log(alpha + c.tx) : -Infinity;
    sum += c.weight * (terms.common + logSumExp(alive, dropped));
  }
  return sum;
}

/** Identical (x, t_x, T) triples folded into one weighted entry (a million customers have far fewer distinct ones). */
export function groupSummaries(customers: Iterable<{ x: number; tx: number; T: number }>): RepeatSummary[] {
  const groups = new Map<string, RepeatSummary>();
  for (const { x, tx, T } of customers) {
    const key = `${x}|${tx}|${T}`;
    const group = groups.get(key);
    if (group) group.weight += 1;
    else groups.set(key, { x, tx, T, weight: 1 });
  }
  return [...groups.values()];
}

/** Maximum-likelihood estimates (Nelder–Mead on the logs of the parameters, restarted until stable). */
export function fitBgNbd(customers: readonly RepeatSummary[]): BgNbdParameters & { logLikelihood: number } {
  return runToEnd(fitBgNbdSliced(customers));
}

/** fitBgNbd, pausing after each evaluation of the likelihood (see Sliced). */
export function* fitBgNbdSliced(
  customers: readonly RepeatSummary[],
): Sliced<BgNbdParameters & { logLikelihood: number }> {
  const toParameters = (p: number[]): BgNbdParameters => ({
    r: Math.exp(p[0]),
    alpha: Math.exp(p[1]),
    a: Math.exp(p[2]),
    b: Math.exp(p[3]),
  });
  const objective = (p: number[]) => {
    if (p.some((v) => Math.abs(v) > 30)) return Infinity;
    const value = -totalLogLikelihood(toParameters(p), customers);
    return Number.isFinite(value) ? value : Infinity;
  };
  let best = yield* nelderMeadSliced(objective, [0, 0, 0, 0]);
  for (let restart = 0; restart < 5; restart++) {
    const again = yield* nelderMeadSliced(objective, best.point, { step: 0.1 });
    const improved = best.value - again.value > 1e-9;
    best = again.value < best.value ? again : best;
    if (!improved) break;
  }
  return { ...toParameters(best.point), logLikelihood: -best.value };
}

/** P(alive | x, t_x, T). */
export function probabilityAlive(
  { r, alpha, a, b }: BgNbdParameters,
  x: number,
  tx: number,
  T: number,
): number {
  if (x === 0) return 1;
  const logRatio = Math.log(a) - Math.log(b + x - 1) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx));
  return 1 / (1 + Math.exp(logRatio));
}

/** E[Y(t) | x, t_x, T]: expected purchase occasions in the next t weeks (equation 10, with ₂F₁). */
export function expectedPurchases(
  { r, alpha, a, b }: BgNbdParameters,
  t: number,
  x: number,
  tx: number,
  T: number,
): number {
  if (t <= 0) return 0;
  const hyper = hypergeometric2F1(r + x, b + x, a + b + x - 1, t / (alpha + T + t));
  const numerator =
    ((a + b + x - 1) / (a - 1)) * (1 - Math.pow((alpha + T) / (alpha + T + t), r + x) * hyper);
  const dropped =
    x > 0
      ? Math.exp(Math.log(a) - Math.log(b + x - 1) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx)))
      : 0;
  return numerator / (1 + dropped);
}
