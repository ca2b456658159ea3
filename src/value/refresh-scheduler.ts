import type { Database } from '../orm/database';
import { withAgesAt } from '../common/age-access';
import type { Logger } from '../common/logger';
import { latestHeldFit, refreshMetrics, refreshTouchedMetrics } from './metrics.service';
import { markWanted, runWantedWork } from '../db/instance-lock';

const DAY = 86_400_000;

/** The refresh's name among the work instances share (db/instance-lock.ts). */
const SHARED_REFRESH = 'metrics-refresh';

/**
 * Keeps value answers fresh after ingestion without refreshing on every
 * batch: each accepted batch (re)starts a quiet-time timer, and when it runs
 * out the customers ingestion touched are recomputed as of that moment
 * (incremental refresh, against the latest full refresh's fit and RFM
 * boundaries). A full refresh runs instead before the first one and once the
 * UTC day has moved on from the latest full refresh's asOf, so that no
 * untouched customer's figures are more than a day behind. A batch arriving
 * during a refresh schedules one more afterwards, so nothing ingested is left out.
 *
 * Across instances over one database (db/instance-lock.ts, runWantedWork): each batch also
 * marks the refresh wanted in the database, and when a timer runs out the refresh runs on
 * one instance at a time, covering the batches of all, only once the last batch on any
 * instance is the quiet time old; an instance whose request another's refresh covered
 * does nothing, and one told to come back sets its timer again.
 */
export class MetricsRefreshScheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private pendingAfterRun = false;
  private stopped = false;
  /** The markers this instance is writing: a refresh reads the marker after them. */
  private marking: Promise<unknown> = Promise.resolve();

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
    // Shared with other instances: before the timer, so the runner anywhere sees this batch.
    const mark = markWanted(this.db.fork().getKnex(), SHARED_REFRESH, Date.now()).catch((error) =>
      this.logger.error('marking the metrics refresh wanted failed:', error),
    );
    this.marking = Promise.all([this.marking, mark]);
    this.startTimer(this.delayMs);
  }

  private startTimer(delayMs: number): void {
    if (this.running) {
      this.pendingAfterRun = true;
      return;
    }
    clearTimeout(this.timer);
    // The timer is set during an ingestion request; the refresh is the service's own work, not that
    // caller's, and runs free of its limits (common/age-access.ts).
    this.timer = setTimeout(() => void withAgesAt(null, () => this.run()), delayMs);
    this.timer.unref();
  }

  private async run(): Promise<void> {
    this.timer = undefined;
    let retryInMs: number | null = null;
    this.running = (async () => {
      try {
        await this.marking;
        const knex = this.db.fork().getKnex();
        const shared = await runWantedWork(knex, SHARED_REFRESH, this.delayMs!, async () => {
          await refreshDue(knex, new Date());
          this.onRefreshed();
        });
        if (shared.outcome === 'later') retryInMs = shared.retryInMs;
      } catch (error) {
        this.logger.error('automatic metrics refresh failed:', error);
      }
    })();
    await this.running;
    this.running = undefined;
    if (this.pendingAfterRun) {
      this.pendingAfterRun = false;
      this.startTimer(this.delayMs!);
    } else if (retryInMs !== null && !this.stopped) {
      this.startTimer(retryInMs);
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
