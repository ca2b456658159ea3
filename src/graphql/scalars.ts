import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { ErrorCode } from '../common/errors';
import { parseIsoInstant } from '../common/dates';

function invalidDateTime(value: unknown): GraphQLError {
  return new GraphQLError(
    `DateTime cannot represent ${JSON.stringify(value)}: expected an ISO-8601 date-time with a zone, e.g. 2026-01-31T09:30:00Z`,
    { extensions: { code: ErrorCode.BAD_USER_INPUT } },
  );
}

/** An instant, written as ISO-8601 in UTC with milliseconds (2026-01-31T09:30:00.000Z). */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'An instant, ISO-8601. Output is always UTC with milliseconds (2026-01-31T09:30:00.000Z); input needs a zone (Z or ±hh:mm) or is a bare date (midnight UTC).',
  serialize(value) {
    const date = value instanceof Date ? value : typeof value === 'string' || typeof value === 'number' ? new Date(value) : null;
    if (!date || Number.isNaN(date.getTime())) throw new GraphQLError('DateTime cannot serialize an invalid date');
    return date.toISOString();
  },
  parseValue(value) {
    if (typeof value !== 'string') throw invalidDateTime(value);
    const date = parseIsoInstant(value);
    if (!date) throw invalidDateTime(value);
    return date;
  },
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw invalidDateTime(ast.kind === Kind.INT || ast.kind === Kind.FLOAT ? ast.value : ast.kind);
    const date = parseIsoInstant(ast.value);
    if (!date) throw invalidDateTime(ast.value);
    return date;
  },
});

export const JSONScalar = GraphQLJSON;
