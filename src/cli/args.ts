/** A wrong command line: the command says why, shows its usage and exits with 2, before touching the store. */
export class UsageError extends Error {}

export interface CommandLineShape {
  /** Options that take the next word as their value, named without their dashes. */
  valued: readonly string[];
  /** Options that stand alone (`--masked`). */
  switches?: readonly string[];
  /** Whether the command takes words that are not options (a subcommand, a file). */
  positional?: boolean;
}

/** What a command was given: its plain words in order, and its options by name. */
export class CommandLine {
  constructor(
    readonly positional: readonly string[],
    private readonly options: ReadonlyMap<string, string | true>,
  ) {}

  has(name: string): boolean {
    return this.options.has(name);
  }

  /** The value of a valued option, or undefined when it was not given. */
  value(name: string): string | undefined {
    const value = this.options.get(name);
    return typeof value === 'string' ? value : undefined;
  }
}

/**
 * Reads `--name value` and `--switch` options against the command's shape. An option the command does
 * not know is a mistake rather than something to ignore: a misspelt `--fields` would otherwise export
 * every column.
 */
export function parseCommandLine(args: readonly string[], shape: CommandLineShape): CommandLine {
  const positional: string[] = [];
  const options = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const word = args[i];
    if (!word.startsWith('--')) {
      if (!shape.positional) throw new UsageError(`unexpected argument ${word}`);
      positional.push(word);
      continue;
    }
    const name = word.slice(2);
    if (shape.switches?.includes(name)) options.set(name, true);
    else if (shape.valued.includes(name)) {
      if (args[i + 1] === undefined) throw new UsageError(`${word} needs a value`);
      options.set(name, args[++i]);
    } else throw new UsageError(`unknown option ${word}`);
  }
  return new CommandLine(positional, options);
}
