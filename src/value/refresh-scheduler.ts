import type { Database } from '../orm/database';
import { withAgesAt } from '../common/age-access';
import type { Logger } from '../common/logger';
import { latestHeldFit, refreshMetrics, refreshTouchedMetrics } from './metrics.service';

const DAY = 86_400_000;

/**
 * Keeps value answers fresh after ingestion without refreshing on every
 * batch: each accepted batch (re)starts a quiet-time timer, and when it runs
 * out the customers ingestion touched are recomputed as of that moment
 * (incremental refresh, against the latest full refresh's fit and RFM
 * boundaries). A full refresh runs instead before the first one and once the
 * UTC day has moved on from the latest full refresh's asOf, so that no
 * untouched customer's figures are more than a day behind. A batch arriving
 * during a refresh schedules one more afterwards, so nothing ingested is left out.
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
        await refreshDue(this.db.fork().getKnex(), new Date());
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

/**
 * The refresh due at `now`: incremental while the latest full refresh's asOf
 * is on the same UTC day, full otherwise (or when there is none to hold).
 */
export async function refreshDue(
  knex: Parameters<typeof refreshMetrics>[0],
  now: Date,
): Promise<'full' | 'incremental'> {
  const held = await latestHeldFit(knex);
  if (held && Math.floor(held.asOf.getTime() / DAY) === Math.floor(now.getTime() / DAY)) {
    // Null when a full refresh recorded meanwhile kept no boundaries: then a full one runs.
    if ((await refreshTouchedMetrics(knex, now, now)) !== null) return 'incremental';
  }
  await refreshMetrics(knex, now, now);
  return 'full';
}
