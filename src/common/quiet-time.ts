/**
 * Runs a piece of background work a quiet moment after the last request for it:
 * each `schedule()` (re)starts the timer, and when it runs out the work runs once.
 * A request arriving while the work runs makes it run once more afterwards, so
 * nothing asked for is left out; two runs never overlap. The mechanism of the
 * metrics refresh scheduler (value/refresh-scheduler.ts), for other work.
 */
export class QuietTimeRunner {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private pendingAfterRun = false;
  private stopped = false;

  /** `delayMs` null: schedule() does nothing (only runNow() runs the work). */
  constructor(
    private readonly delayMs: number | null,
    private readonly work: () => Promise<void>,
  ) {}

  schedule(): void {
    if (this.delayMs === null || this.stopped) return;
    if (this.running) {
      this.pendingAfterRun = true;
      return;
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.runNow(), this.delayMs);
    this.timer.unref();
  }

  /** Runs the work now, or once more after the run in progress; resolves when that run is over. */
  async runNow(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.stopped) return;
    if (this.running) {
      this.pendingAfterRun = true;
      await this.running;
      return this.runNow();
    }
    this.running = this.work();
    try {
      await this.running;
    } finally {
      this.running = undefined;
    }
    if (this.pendingAfterRun) {
      this.pendingAfterRun = false;
      this.schedule();
    }
  }

  /** Stops scheduling and waits for a run in progress (shutdown). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}
