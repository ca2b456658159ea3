import { ItemProblem } from './ingest.validation';

export interface IngestError {
  index: number;
  externalId: string | null;
  field: string | null;
  message: string;
}

export interface IngestResult {
  accepted: number;
  duplicates: number;
  rejected: IngestError[];
}

/** Tallies one batch: every item ends up accepted, duplicate or rejected, exactly once. */
export class BatchTally {
  accepted = 0;
  duplicates = 0;
  readonly rejected: IngestError[] = [];

  reject(index: number, externalId: unknown, field: string | null, message: string): void {
    this.rejected.push({
      index,
      externalId: typeof externalId === 'string' ? externalId : null,
      field,
      message,
    });
  }

  /** Runs a validator on one item; a problem rejects the item and yields undefined. */
  check<T>(index: number, externalId: unknown, validate: () => T): T | undefined {
    try {
      return validate();
    } catch (error) {
      if (!(error instanceof ItemProblem)) throw error;
      this.reject(index, externalId, error.field, error.message);
      return undefined;
    }
  }

  /**
   * A tally that starts from this one's counts and rejections: a transaction
   * that may be retried tallies into a fork, so a rolled-back attempt leaves
   * nothing behind.
   */
  fork(): BatchTally {
    const copy = new BatchTally();
    copy.accepted = this.accepted;
    copy.duplicates = this.duplicates;
    copy.rejected.push(...this.rejected);
    return copy;
  }

  result(): IngestResult {
    return {
      accepted: this.accepted,
      duplicates: this.duplicates,
      rejected: [...this.rejected].sort((a, b) => a.index - b.index),
    };
  }
}
