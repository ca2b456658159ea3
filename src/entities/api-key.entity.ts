import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { EpochMillisType } from '../db/epoch-millis.type';

/** An API key; only a hash of the secret is stored. */
@Entity({ tableName: 'api_keys' })
export class ApiKey {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'string', length: 200 })
  name!: string;

  /** SHA-256 of the secret, hex. */
  @Property({ type: 'string', length: 64, unique: true })
  secretHash!: string;

  /** Visible start of the key, so people can tell keys apart. */
  @Property({ type: 'string', length: 16 })
  prefix!: string;

  @Property({ type: 'json' })
  scopes!: string[];

  @Property({ type: EpochMillisType })
  createdAt!: Date;

  @Property({ type: EpochMillisType, nullable: true })
  revokedAt?: Date | null;

  @Property({ type: EpochMillisType, nullable: true })
  lastUsedAt?: Date | null;
}
