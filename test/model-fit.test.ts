import { Random } from '../seeds/random';
import { fitBgNbd, groupSummaries, totalLogLikelihood, type RepeatSummary } from '../src/value/bgnbd';
import { nelderMead } from '../src/value/special';

/**
 * The fit ends on bases whose likelihood has no finite maximum. Customers who
 * keep buying and rarely drop out push the BG/NBD dropout parameters a and b
 * towards infinity along a ridge, where ln B(a, b + x) − ln B(a, b) loses its
 * last digits: the objective turns noisy at a scale above the minimiser's
 * tolerance, and the minimiser used to cycle on a collapsed simplex until its
 * iteration cap, six times over (a minute of a refresh at 2,000 customers,
 * with every reader waiting).
 */

/** Deterministic noise in [-1, 1) from the bits of a point, as rounding gives. */
function noiseAt(point: number[]): number {
  const bits = new Float64Array(point);
  const words = new Uint32Array(bits.buffer);
  let h = 0x811c9dc5;
  for (const word of words) h = Math.imul(h ^ word, 0x01000193);
  return (h >>> 0) / 2 ** 31 - 1;
}

/** Customers buying at Gamma-distributed Poisson rates over 20–100 weeks, none of them dropping out. */
function loyalBase(customers: number): RepeatSummary[] {
  const random = new Random(17);
  const rows = Array.from({ length: customers }, () => {
    const T = 20 + random.next() * 80;
    const rate = 0.05 + random.next() * random.next() * 0.6;
    let t = 0;
    let x = 0;
    let tx = 0;
    for (;;) {
      t += -Math.log(1 - random.next()) / rate;
      if (t > T) break;
      x += 1;
      tx = t;
    }
    return { x, tx: Math.round(tx * 7) / 7, T: Math.round(T * 7) / 7 };
  });
  return groupSummaries(rows);
}

const base = loyalBase(2000);
const objective = (p: number[]) => {
  if (p.some((v) => Math.abs(v) > 30)) return Infinity;
  const value = -totalLogLikelihood(
    { r: Math.exp(p[0]), alpha: Math.exp(p[1]), a: Math.exp(p[2]), b: Math.exp(p[3]) },
    base,
  );
  return Number.isFinite(value) ? value : Infinity;
};

test('on an objective noisier than its tolerance the minimiser stops at the minimum, far before its iteration cap', () => {
  // A bowl of depth 30,000 with noise of ±5e-5 (the BG/NBD ridge's), ten times the tolerance of 1e-10 × 30,000.
  const noisy = (p: number[]) =>
    30_000 + (p[0] - 1) ** 2 + (p[1] + 2) ** 2 + (p[2] - 0.5) ** 2 + 5e-5 * noiseAt(p);
  const run = nelderMead(noisy, [0, 0, 0]);
  expect(run.iterations).toBeLessThan(2000);
  expect(run.point[0]).toBeCloseTo(1, 2);
  expect(run.point[1]).toBeCloseTo(-2, 2);
  expect(run.point[2]).toBeCloseTo(0.5, 2);
});

test('on a ridge of the likelihood the minimiser stops where a long run from there finds nothing better', () => {
  const run = nelderMead(objective, [0, 0, 0, 0]);
  expect(run.iterations).toBeLessThan(2000);
  const further = nelderMead(objective, run.point, { step: 0.1, maxIterations: 3000 });
  expect(run.value - further.value).toBeLessThan(1e-6 * Math.abs(run.value));
});

test('the BG/NBD fit of a base without dropout is finite and says that dropout is negligible', () => {
  const fit = fitBgNbd(base);
  expect(Number.isFinite(fit.logLikelihood)).toBe(true);
  expect(fit.a / (fit.a + fit.b)).toBeLessThan(0.01);
});

test('a bowl is still minimised to the tolerance', () => {
  const run = nelderMead((p) => (p[0] - 3) ** 2 + 10 * (p[1] + 1) ** 2 + 1, [0, 0]);
  expect(run.value).toBeCloseTo(1, 8);
  expect(run.point[0]).toBeCloseTo(3, 3);
  expect(run.point[1]).toBeCloseTo(-1, 3);
});
