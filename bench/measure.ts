/** What every bench needs: its command-line options, a stopwatch and a median. */

/** `--name value` from the command line, or the fallback. */
export function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : fallback;
}

/** Runs `fn` and says how long it took, in milliseconds. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = process.hrtime.bigint();
  const value = await fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, value };
}

/** The upper median: the value at half the sorted list's length. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * One line of a bench's summary table: the service's figure, the baseline
 * measured in the same run (hand-written SQL, a plain INSERT), their ratio,
 * and the goal the figure is held to.
 */
export interface Figure {
  /** What is measured. */
  measure: string;
  /** The service's figure, with its unit. */
  service: string;
  /** The baseline's figure, with its unit; empty when there is none. */
  baseline: string;
  /** Service over baseline (for rates, baseline over service: above 1 means the service is slower); null without a baseline. */
  ratio: number | null;
  /** The goal, in words; empty when there is none. */
  goal: string;
}

export const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
export const millis = (ms: number) => `${ms < 10 ? ms.toFixed(1) : ms.toFixed(0)} ms`;
