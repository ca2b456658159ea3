import { performance } from 'node:perf_hooks';
import type { Knex } from '@mikro-orm/knex';

/**
 * Whether a read may go to the read replica (a PostgreSQL hot standby) without
 * seeing data older than the staleness bound, learnt by probing both servers.
 *
 * The method: a probe notes the time `at` on this process's monotonic clock,
 * then asks the primary for its WAL insert position, then asks the replica how
 * far it has replayed. Every transaction visible on the primary at `at` has its
 * commit record before that position, so once the replica has replayed up to it,
 * the replica shows every commit made before `at`, and a read on the replica at
 * time t misses only what was committed after `at`: it is at most t - at stale.
 * Reads go to the replica while the newest such `at` is within the bound, to the
 * primary otherwise (behind, unreachable, or no probe has succeeded yet).
 *
 * Why not the simpler `now() - pg_last_xact_replay_timestamp()` on the replica:
 * that is the primary's commit time of the last replayed transaction, so it grows
 * on a quiet primary although the replica misses nothing, and comparing it with
 * a clock means trusting two machines' clocks to agree. Positions in one WAL need
 * no clock but ours. The insert position rather than pg_current_wal_lsn (the
 * written one): with synchronous_commit off, a commit is visible before its WAL
 * is written, and the insert position already covers it.
 *
 * The replica URL must name one server: behind a name that balances over several
 * standbys, what one probe learns says nothing of the connection a read gets.
 *
 * Read-your-writes: a caller that has written (a mutation answered) reads from the
 * primary until a probe started after its write has found the replica caught up,
 * so on this instance its next query sees what it wrote. Another instance does not
 * know of the write: there only the staleness bound holds.
 */
export class ReplicaRouting {
  /** Start of the newest probe whose primary position the replica has replayed; -Infinity: none (yet, or since a failure). */
  private caughtUpAt = Number.NEGATIVE_INFINITY;
  /** Probes whose position the replica had not replayed yet, oldest first (positions only grow). */
  private pending: Array<{ at: number; lsn: bigint }> = [];
  /** When each caller's last write was answered. */
  private readonly lastWriteAt = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  /** The last state reported: undefined before the first probe, null while usable. */
  private lastProblem: string | null | undefined = undefined;

  readonly probeEveryMs: number;

  constructor(
    private readonly primary: Knex,
    private readonly replica: Knex,
    readonly maxLagMs: number,
    private readonly options: {
      probeEveryMs?: number;
      /** Told when the replica stops or starts being usable, with the reason it stopped. */
      onChange?: (usable: boolean, reason: string | null) => void;
      now?: () => number;
    } = {},
  ) {
    // A few probes per bound: in steady state the replica then serves reads although it always trails by a little.
    this.probeEveryMs = options.probeEveryMs ?? Math.max(50, Math.min(1000, Math.floor(maxLagMs / 4)));
  }

  private now(): number {
    return this.options.now ? this.options.now() : performance.now();
  }

  /** Probes every probeEveryMs until stop() (the first probe is the caller's: openDatabase awaits one before serving). */
  start(): void {
    const next = () => {
      this.timer = setTimeout(() => {
        this.running = this.probe().finally(() => {
          this.running = null;
          if (!this.stopped) next();
        });
      }, this.probeEveryMs).unref();
    };
    next();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** May a read by this caller run on the replica now? */
  readsFromReplica(caller: string): boolean {
    if (this.now() - this.caughtUpAt > this.maxLagMs) return false;
    const wrote = this.lastWriteAt.get(caller);
    return wrote === undefined || wrote < this.caughtUpAt;
  }

  /** A caller's write has been committed and answered: its reads stay on the primary until the replica has it. */
  noteWrite(caller: string): void {
    this.lastWriteAt.set(caller, this.now());
  }

  /** One probe; never throws. A failure makes reads go to the primary until a later probe succeeds. */
  async probe(): Promise<void> {
    const at = this.now();
    const timeout = Math.max(1000, this.maxLagMs);
    try {
      const primary = await this.primary
        .raw('select pg_current_wal_insert_lsn()::text as lsn')
        .timeout(timeout);
      this.pending.push({ at, lsn: parseLsn(firstRow(primary).lsn) });
      const replica = await this.replica
        .raw('select pg_is_in_recovery() as recovering, pg_last_wal_replay_lsn()::text as lsn')
        .timeout(timeout);
      const { recovering, lsn } = firstRow(replica);
      // A promoted or unrelated server: its positions are not the primary's WAL.
      if (!recovering || lsn === null)
        throw new Error('the read replica is not a hot standby (pg_is_in_recovery() is false)');
      const replayed = parseLsn(lsn);
      while (this.pending.length && this.pending[0].lsn <= replayed)
        this.caughtUpAt = Math.max(this.caughtUpAt, this.pending.shift()!.at);
      // A probe older than the bound can no longer make the replica usable.
      this.pending = this.pending.filter((probe) => this.now() - probe.at <= this.maxLagMs);
      for (const [caller, wrote] of this.lastWriteAt)
        if (wrote < this.caughtUpAt) this.lastWriteAt.delete(caller);
      this.report(null);
    } catch (error) {
      this.caughtUpAt = Number.NEGATIVE_INFINITY;
      this.pending = [];
      this.report(error instanceof Error ? error.message.split('\n')[0] : String(error));
    }
  }

  private report(problem: string | null): void {
    if (problem === this.lastProblem) return;
    this.lastProblem = problem;
    this.options.onChange?.(problem === null, problem);
  }
}

/** A WAL position as PostgreSQL prints it (`16/B374D848`: high and low 32 bits in hex), comparable as a number. */
export function parseLsn(text: string): bigint {
  const match = /^([0-9A-F]{1,8})\/([0-9A-F]{1,8})$/i.exec(text.trim());
  if (!match) throw new Error(`not a WAL position: ${text}`);
  return (BigInt(`0x${match[1]}`) << 32n) | BigInt(`0x${match[2]}`);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- pg's raw result
function firstRow(result: any): any {
  return result.rows[0];
}
