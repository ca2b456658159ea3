import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * Work that some instance asked for and no instance has done yet (db/instance-lock.ts): the
 * metrics refresh after ingestion. Shared by every instance over one database, so the one
 * that does the work covers what the others asked for.
 */
@Entity({ tableName: 'work_markers' })
export class WorkMarker {
  @PrimaryKey({ type: 'string', length: 100 })
  name!: string;

  /** When it was last asked for (milliseconds, the asking instance's clock); null: nothing pending. */
  @Property({ type: 'bigint', nullable: true })
  wantedAt?: number | null;

  /** Counts the requests: work started after reading version v covers requests up to v. */
  @Property({ type: 'bigint' })
  version!: number;
}
