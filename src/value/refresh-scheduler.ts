import type { Database } from '../orm/database';
import { withAgesAt } from '../common/age-access';
import type { Logger } from '../common/logger';
import { refreshMetrics } from './metrics.service';

/**
 * Keeps value answers fresh after ingestion without refreshing on every
 * batch: each accepted batch (re)starts a quiet-time timer, and when it runs
 * out the metrics are recomputed as of that moment. A batch arriving during a
 * refresh schedules one more afterwards, so nothing ingested is left out.
 */
export class MetricsRefreshScheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private pendingAfterRun = false;
  private stopped = false;

  constructor(
    private readonly db: Database,
    private readonly delayMs: number | null,
    private readonly logger: Logger,
    /** Told after each automatic refresh that succeeded (server/ evaluates tracked segments then). */
    private readonly onRefreshed: () => void = () => undefined,
  ) {}

  /** Called after ingestion stored something. */
  schedule(): void {
    if (this.delayMs === null || this.stopped) return;
    if (this.running) {
      this.pendingAfterRun = true;
      return;
    }
    clearTimeout(this.timer);
    // The timer is set during an ingestion request; the refresh is the service's own work, not that
    // caller's, and runs free of its limits (common/age-access.ts).
    this.timer = setTimeout(() => void withAgesAt(null, () => this.run()), this.delayMs);
    this.timer.unref();
  }

  private async run(): Promise<void> {
    this.timer = undefined;
    this.running = (async () => {
      try {
        await refreshMetrics(this.db.fork().getKnex(), new Date());
        this.onRefreshed();
      } catch (error) {
        this.logger.error('automatic metrics refresh failed:', error);
      }
    })();
    await this.running;
    this.running = undefined;
    if (this.pendingAfterRun) {
      this.pendingAfterRun = false;
      this.schedule();
    }
  }

  /** Stops scheduling and waits for a refresh in progress (shutdown). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}
