/** Where the service writes what an operator should see; console, or a test's collector. */
export type Logger = Pick<Console, 'error' | 'warn' | 'info'>;

/** How a failed statement's text begins: knex and MikroORM put the statement, values inlined, at the head of the message. */
const STATEMENT =
  /^\s*(select|insert|update|delete|with|create|alter|drop|pragma|begin|commit|rollback|savepoint|release|set|explain)\b/i;

/**
 * A statement's shape: its text with every literal value replaced by `?`.
 * Quoted identifiers ("customers", `customers`) and placeholders ($1) stay;
 * string literals (with '' inside, E'…', X'…') and numbers not part of a
 * name go.
 */
export function statementShape(sql: string): string {
  return sql.replace(
    /\b[Ee]'(?:[^'\\]|\\.|'')*'?|(?:\b[XxNn])?'(?:[^']|'')*'?|(?<![\w$.])-?\d+(?:\.\d+)?(?:e[+-]?\d+)?\b|\b(?:true|false)\b/gi,
    '?',
  );
}

/** The driver's own words after the statement may quote a value too (PostgreSQL: invalid input syntax for type integer: "…"). */
function withoutQuoted(text: string): string {
  return text.replace(/"[^"]*"|'[^']*'/g, '"…"');
}

/** The properties of a driver error that name things, never values (PostgreSQL's `detail` does: Key (email)=(…)). */
const NAMING_PROPERTIES = [
  'code',
  'errno',
  'sqlState',
  'severity',
  'constraint',
  'table',
  'column',
  'routine',
];

/**
 * What may be logged of an error: a failed statement's message and stack
 * keep the statement's shape and the driver's reason with quoted parts
 * masked, never a bound value (a filter's email criteria, an API key's hash);
 * other errors are logged as they are. Causes are treated alike.
 */
export function loggable(value: unknown, depth = 0): unknown {
  // Duck-typed: a driver's errors may come from another realm, where instanceof Error fails.
  if (!isErrorLike(value) || depth > 5) return value;
  if (!STATEMENT.test(value.message)) {
    // Wrappers (GraphQL's originalError, Apollo's thrownValue, a cause) carry the statement inside.
    const wrapped = WRAPPING_PROPERTIES.filter((key) => value[key] !== undefined);
    const inner = wrapped.map((key) => [key, loggable(value[key], depth + 1)] as const);
    if (inner.every(([key, safe]) => safe === value[key])) return value;
    const copy = Object.assign(Object.create(Object.getPrototypeOf(value) as object) as object, value);
    // message and stack are not enumerable: Object.assign leaves them behind.
    for (const key of ['message', 'stack'])
      Object.defineProperty(copy, key, { value: value[key], writable: true, configurable: true });
    return Object.assign(copy, Object.fromEntries(inner));
  }
  // Literals first, over the whole text, so that no value survives a wrong guess of where the statement ends.
  const shaped = statementShape(value.message);
  const separator = shaped.lastIndexOf(' - ');
  const message =
    separator < 0 ? shaped : `${shaped.slice(0, separator)} - ${withoutQuoted(shaped.slice(separator + 3))}`;
  const name = typeof value.name === 'string' ? value.name : 'Error';
  const safe = new Error(message);
  safe.name = name;
  const frames = String(value.stack ?? '')
    .split('\n')
    .filter((line) => /^\s+at /.test(line));
  safe.stack = [`${name}: ${message}`, ...frames].join('\n');
  for (const key of NAMING_PROPERTIES) {
    if (value[key] !== undefined) (safe as unknown as Record<string, unknown>)[key] = value[key];
  }
  if (value.cause !== undefined) safe.cause = loggable(value.cause, depth + 1);
  return safe;
}

const WRAPPING_PROPERTIES = ['originalError', 'thrownValue', 'cause'];

function isErrorLike(value: unknown): value is Record<string, unknown> & { message: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}

/** A logger that passes every error through `loggable` first: the one door through which the service logs. */
export function withoutStatementValues(logger: Logger): Logger {
  return {
    error: (...args: unknown[]) => logger.error(...args.map((arg) => loggable(arg))),
    warn: (...args: unknown[]) => logger.warn(...args.map((arg) => loggable(arg))),
    info: (...args: unknown[]) => logger.info(...args.map((arg) => loggable(arg))),
  };
}
