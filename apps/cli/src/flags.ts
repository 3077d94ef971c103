import { parseArgs } from 'node:util';
import { isIsoDate } from '@loanflow/domain';

/** A command line that does not say what it means: exit 2, the message and the command's usage on stderr. */
export class UsageError extends Error {}

type Option = { type: 'string' } | { type: 'boolean' };

/** One command's flags and how many plain arguments it takes; `--help` (`-h`) is every command's. */
export interface CommandSpec {
  usage: string;
  options?: Record<string, Option>;
  positionals?: { min: number; max: number; names: string };
}

export interface Parsed {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
  help: boolean;
}

/** Node's parse errors, said the way the rest of the CLI says things. */
function reason(error: unknown): string {
  const { code, message } = error as { code?: string; message: string };
  const flag = /'(-[^' ]+)/.exec(message)?.[1];
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown flag ${flag}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return /argument missing|ambiguous/.test(message) ? `${flag} needs a value` : `${flag} takes no value`;
    default:
      return message;
  }
}

/**
 * Parses a command's arguments strictly (Node's util.parseArgs): an unknown flag, a flag without its
 * value, a value given to a switch, or too many or too few plain arguments is a UsageError naming it.
 */
export function parseCommand(name: string, spec: CommandSpec, args: string[]): Parsed {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args,
      options: { ...spec.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(`${name}: ${reason(error)}\n${spec.usage}`);
  }
  const values = parsed.values as Parsed['values'];
  if (values.help === true) return { values, positionals: parsed.positionals, help: true };
  const { min, max, names } = spec.positionals ?? { min: 0, max: 0, names: '' };
  const count = parsed.positionals.length;
  if (count < min) throw new UsageError(`${name}: needs ${names}\n${spec.usage}`);
  if (count > max)
    throw new UsageError(
      `${name}: ${max === 0 ? 'takes no arguments' : `takes ${names}`}, not ${parsed.positionals.slice(max).join(' ')}\n${spec.usage}`,
    );
  return { values, positionals: parsed.positionals, help: false };
}

/** A string flag's value, when given. */
export function stringFlag(values: Parsed['values'], flag: string): string | undefined {
  const value = values[flag];
  return typeof value === 'string' ? value : undefined;
}

/** A whole number from `min` to `max`; `fallback` when the flag is absent. */
export function wholeNumberFlag(values: Parsed['values'], flag: string, min: number, max: number, fallback: number): number;
export function wholeNumberFlag(values: Parsed['values'], flag: string, min: number, max: number): number | undefined;
export function wholeNumberFlag(values: Parsed['values'], flag: string, min: number, max: number, fallback?: number): number | undefined {
  const value = stringFlag(values, flag);
  if (value === undefined) return fallback;
  const n = /^-?\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max)
    throw new UsageError(`--${flag} takes a whole number from ${min} to ${max}, not ${value}`);
  return n;
}

/** A business date, YYYY-MM-DD, when given. */
export function dateFlag(values: Parsed['values'], flag: string): string | undefined {
  const value = stringFlag(values, flag);
  if (value !== undefined && !isIsoDate(value)) throw new UsageError(`--${flag} takes a date as YYYY-MM-DD, not ${value}`);
  return value;
}

/** One of a few words, when given. */
export function choiceFlag<T extends string>(values: Parsed['values'], flag: string, choices: readonly T[]): T | undefined {
  const value = stringFlag(values, flag);
  if (value !== undefined && !choices.includes(value as T)) throw new UsageError(`--${flag} is one of ${choices.join(', ')}, not ${value}`);
  return value as T | undefined;
}

/** A flag the command cannot do without. */
export function required<T>(value: T | undefined, flag: string): T {
  if (value === undefined) throw new UsageError(`--${flag} is required`);
  return value;
}
