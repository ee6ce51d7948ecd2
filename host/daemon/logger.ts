import type { HostLogger } from '../api/hostApi.js';

/**
 * The host's log: one line per message on stderr (the terminal for `picode host`, the host
 * log file when started in the background), `time level message {fields}`.
 * PICODE_LOG=debug shows debug lines.
 */
export function createLogger(options: { write?: (line: string) => void; level?: string } = {}): HostLogger {
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const debug = (options.level ?? process.env.PICODE_LOG) === 'debug';
  const line = (level: string, message: string, fields?: Record<string, unknown>): void => {
    const extra = fields && Object.keys(fields).length ? ` ${safeJson(fields)}` : '';
    write(`${new Date().toISOString()} ${level} ${message}${extra}\n`);
  };
  return {
    debug: (m, f) => { if (debug) line('debug', m, f); },
    info: (m, f) => line('info', m, f),
    warn: (m, f) => line('warn', m, f),
    error: (m, f) => line('error', m, f),
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
