import { withAgesAt } from '../common/age-access';
import type { Logger } from '../common/logger';
import { QuietTimeRunner } from '../common/quiet-time';
import type { Database } from '../orm/database';
import type { MembershipTracker } from './tracker';

/**
 * When tracked segments are evaluated: a quiet moment after ingestion, a metrics
 * refresh or a tracked segment saved (`schedule()`, debounced like the metrics
 * refresh), and on a clock, so that time windows ("no order in 90 days") enter
 * and leave customers as days pass with no data arriving. Every round evaluates
 * every tracked segment as of the moment it starts; rounds never overlap.
 */
export class MembershipScheduler {
  private readonly runner: QuietTimeRunner;
  private readonly clock: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Database,
    private readonly tracker: MembershipTracker,
    delayMs: number | null,
    intervalMs: number | null,
    private readonly logger: Logger,
  ) {
    // The round is the service's own work, not that of the request that scheduled it: free of its limits.
    this.runner = new QuietTimeRunner(delayMs, () => withAgesAt(null, () => this.round()));
    if (intervalMs !== null) {
      this.clock = setInterval(() => void this.runner.runNow(), intervalMs);
      this.clock.unref();
    }
  }

  schedule(): void {
    this.runner.schedule();
  }

  /** One round now (after the one in progress, if any). */
  runNow(): Promise<void> {
    return this.runner.runNow();
  }

  private async round(): Promise<void> {
    try {
      await this.tracker.evaluateAll(this.db.fork(), new Date(), (segmentId, error) =>
        this.logger.error(`membership evaluation of segment ${segmentId} failed:`, error),
      );
    } catch (error) {
      this.logger.error('membership evaluation failed:', error);
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.clock);
    await this.runner.stop();
  }
}
