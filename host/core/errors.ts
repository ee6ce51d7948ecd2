/**
 * User-facing errors. Anything thrown as a PicodeError is printed without a stack trace:
 * the message says what went wrong (naming the file, key or line), the hint says what to do.
 * Any other exception is a bug in picode and is printed with its stack.
 */
export class PicodeError extends Error {
  readonly hint: string | undefined;
  readonly exitCode: number;

  constructor(message: string, options: { hint?: string; exitCode?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PicodeError';
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? 1;
  }
}

/** Exit codes shared by every command. */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  /** The host (or the multiplexer) the command needs is not running. */
  unavailable: 69,
} as const;

export function formatError(error: unknown): string {
  if (error instanceof PicodeError) {
    return `picode: ${error.message}${error.hint ? `\n  hint: ${error.hint}` : ''}\n`;
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^SQLITE_(NOTADB|CORRUPT|READONLY|FULL|IOERR|CANTOPEN|PERM)/.test(code)) {
    // A database fault met after opening (a page damaged further in, the disk filled up).
    return `picode: the picode database failed: ${(error as Error).message} (${code})\n`
      + '  hint: `picode doctor` checks it; `picode doctor --repair` keeps what can be read in a fresh database\n';
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return `picode: internal error (please report it): ${detail}\n`;
}
