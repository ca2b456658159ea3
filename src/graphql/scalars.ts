import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { ErrorCode } from '../common/errors';
import { readIsoInstant, type InstantProblem } from '../common/dates';

const EXAMPLE = 'e.g. 2026-01-31T09:30:00Z or 2026-01-31';
const REASONS: Record<InstantProblem, string> = {
  'not ISO-8601': `expected an ISO-8601 date-time with a zone or a bare date, ${EXAMPLE}`,
  'no zone': 'a date-time needs a zone (Z or ±hh:mm) to name one instant, e.g. 2026-01-31T09:30:00Z',
  'not a valid date': 'not a valid date (no such day in the calendar)',
  'not a valid time': 'not a valid time (hours 00–23, minutes and seconds 00–59)',
  'not a valid zone offset': 'not a valid zone offset (hours 00–23, minutes 00–59)',
};

/** The refused value is not quoted: it may be anything a caller mistyped, an email address included. */
function invalidDateTime(problem: InstantProblem = 'not ISO-8601'): GraphQLError {
  return new GraphQLError(`DateTime cannot represent the value given: ${REASONS[problem]}`, {
    extensions: { code: ErrorCode.BAD_USER_INPUT },
  });
}

function instantOf(text: string): Date {
  const read = readIsoInstant(text);
  if ('problem' in read) throw invalidDateTime(read.problem);
  return read.date;
}

/** An instant, written as ISO-8601 in UTC with milliseconds (2026-01-31T09:30:00.000Z). */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description:
    'An instant, ISO-8601. Output is always UTC with milliseconds (2026-01-31T09:30:00.000Z); input needs a zone (Z or ±hh:mm) or is a bare date (midnight UTC). Impossible dates (2026-02-30) and times (24:00) are refused, never rolled over.',
  serialize(value) {
    const date =
      value instanceof Date
        ? value
        : typeof value === 'string' || typeof value === 'number'
          ? new Date(value)
          : null;
    if (!date || Number.isNaN(date.getTime()))
      throw new GraphQLError('DateTime cannot serialize an invalid date');
    return date.toISOString();
  },
  parseValue(value) {
    if (typeof value !== 'string') throw invalidDateTime();
    return instantOf(value);
  },
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw invalidDateTime();
    return instantOf(ast.value);
  },
});

export const JSONScalar = GraphQLJSON;
