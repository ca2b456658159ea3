import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../src/common/paths';
import { expectAgreement } from './support/agreement';
import {
  bgnbdLogLikelihood,
  expectedPurchases,
  fitBgNbd,
  groupSummaries,
  probabilityAlive,
  totalLogLikelihood,
} from '../src/value/bgnbd';
import {
  expectedSpend,
  fitGammaGamma,
  gammaGammaLogLikelihood,
  totalGammaGammaLogLikelihood,
} from '../src/value/gamma-gamma';
import { hypergeometric2F1, logGamma } from '../src/value/special';

/**
 * The purchase-potential models against the published CDNOW figures
 * (test/fixtures/cdnow/README.md) and against independently known values.
 */
const CDNOW = join(
  PROJECT_ROOT,
  'test',
  'fixtures',
  'cdnow',
  'cdnow_customers_summary_with_transactions.csv',
);
const rows = readFileSync(CDNOW, 'utf8')
  .trim()
  .split(/\r?\n/)
  .slice(1)
  .map((line) => line.split(',').map(Number))
  .map(([, x, tx, T, zbar]) => ({ x, tx, T, zbar }));

test('the summary holds the 2,357 customers of the sample', () => {
  expect(rows).toHaveLength(2357);
});

describe('BG/NBD on CDNOW (39-week calibration)', () => {
  const groups = groupSummaries(rows);
  const fit = fitBgNbd(groups);

  test('identical triples are grouped with weights', () => {
    expect(groups.length).toBeLessThan(rows.length);
    expect(groups.reduce((sum, g) => sum + g.weight, 0)).toBe(2357);
  });

  test('reproduces the published estimates to three significant digits', () => {
    expectAgreement(fit.r, 0.243, 3);
    expectAgreement(fit.alpha, 4.414, 3);
    expectAgreement(fit.a, 0.793, 3);
    expectAgreement(fit.b, 2.426, 3);
    expectAgreement(fit.logLikelihood, -9582.4, 3);
    // The published point is (near) the optimum: moving any parameter lowers the likelihood.
    const published = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
    expect(totalLogLikelihood(published, groups)).toBeCloseTo(-9582.4, 0);
  });

  test('the grouped total equals the sum of the per-customer log-likelihoods (equation 6)', () => {
    const parameters = { r: 0.3, alpha: 5, a: 0.9, b: 2.1 };
    const direct = groups.reduce(
      (sum, g) => sum + g.weight * bgnbdLogLikelihood(parameters, g.x, g.tx, g.T),
      0,
    );
    expect(totalLogLikelihood(parameters, groups)).toBeCloseTo(direct, 8);
  });

  test('expects 1.226 purchases in 39 weeks for x = 2, t_x = 30.43, T = 38.86', () => {
    expect(expectedPurchases(fit, 39, 2, 30.43, 38.86)).toBeCloseTo(1.226, 2);
    expect(
      expectedPurchases({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, 39, 2, 30.43, 38.86),
    ).toBeCloseTo(1.226, 3);
  });

  test('P(alive) is 1 without repeat purchases and falls as the last one ages', () => {
    expect(probabilityAlive(fit, 0, 0, 38.86)).toBe(1);
    const recent = probabilityAlive(fit, 2, 38, 38.86);
    const old = probabilityAlive(fit, 2, 5, 38.86);
    expect(recent).toBeGreaterThan(old);
    expect(old).toBeGreaterThan(0);
    expect(recent).toBeLessThan(1);
  });
});

describe('Gamma-Gamma on the 946 CDNOW repeat customers', () => {
  const repeaters = rows.filter((row) => row.x > 0 && row.zbar > 0).map((row) => ({ x: row.x, m: row.zbar }));
  const fit = fitGammaGamma(repeaters);

  test('reproduces p = 6.25, q = 3.74, v = 15.44 to two significant digits', () => {
    expect(repeaters).toHaveLength(946);
    expectAgreement(fit.p, 6.25, 2);
    expectAgreement(fit.q, 3.74, 2);
    expectAgreement(fit.v, 15.44, 2);
  });

  test('the grouped total equals the sum of the per-customer log-likelihoods', () => {
    const parameters = { p: 5, q: 3, v: 12 };
    const direct = repeaters.reduce((sum, c) => sum + gammaGammaLogLikelihood(parameters, c.x, c.m), 0);
    expect(totalGammaGammaLogLikelihood(parameters, repeaters)).toBeCloseTo(direct, 8);
  });

  test('the expected spend shrinks a customer mean towards the population mean', () => {
    const population = (fit.p * fit.v) / (fit.q - 1);
    expect(expectedSpend(fit, 0, 0)).toBeCloseTo(population, 10);
    const high = expectedSpend(fit, 5, 100);
    expect(high).toBeLessThan(100);
    expect(high).toBeGreaterThan(population);
  });
});

describe('special functions against known values', () => {
  test('ln Γ', () => {
    expect(logGamma(1)).toBeCloseTo(0, 12);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
    expect(logGamma(100.5)).toBeCloseTo(361.4355404677776, 9);
    expect(logGamma(0.1)).toBeCloseTo(2.2527126517342055, 12);
  });

  test('₂F₁ closed forms', () => {
    // 2F1(1, 1; 2; z) = -ln(1 - z) / z
    expect(hypergeometric2F1(1, 1, 2, 0.5)).toBeCloseTo(-Math.log(0.5) / 0.5, 12);
    // 2F1(a, b; b; z) = (1 - z)^-a
    expect(hypergeometric2F1(2.5, 3, 3, 0.3)).toBeCloseTo(Math.pow(0.7, -2.5), 12);
  });
});
