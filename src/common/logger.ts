/** Where the service writes what an operator should see; console, or a test's collector. */
export type Logger = Pick<Console, 'error' | 'warn' | 'info'>;
