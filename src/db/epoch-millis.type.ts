import { Type } from '@mikro-orm/core';

/**
 * Instants are stored as integer milliseconds since the Unix epoch (UTC).
 * An integer compares exactly and identically on SQLite and PostgreSQL, keeps
 * millisecond precision, and needs no dialect-specific date functions: a time
 * window becomes two bound integers computed from `asOf`.
 */
export class EpochMillisType extends Type<Date | null | undefined, number | null | undefined> {
  override convertToDatabaseValue(
    value: Date | number | string | null | undefined,
  ): number | null | undefined {
    if (value === null || value === undefined) return value;
    if (value instanceof Date) return value.getTime();
    // Already converted (e.g. a bound window edge given as a number).
    return Number(value);
  }

  override convertToJSValue(value: number | string | Date | null | undefined): Date | null | undefined {
    if (value === null || value === undefined) return value;
    if (value instanceof Date) return value;
    // PostgreSQL returns BIGINT as a string; both fit a double exactly for any realistic date.
    return new Date(Number(value));
  }

  override compareAsType(): string {
    return 'number';
  }

  override get runtimeType(): string {
    return 'Date';
  }

  override getColumnType(): string {
    return 'bigint';
  }
}
