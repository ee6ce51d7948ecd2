import type { PicodeEvent } from '../bus/envelope.js';

/**
 * The fields hook matchers look at, read from an event's envelope and data. Each area names
 * its payload fields in its catalog part; this is the one place that knows which field means
 * "the command", "the tool", "the path" across events, so that a matcher like
 * `{ command: 'npm test' }` works on `command.finished` and on `pane.send.before` alike.
 */
export interface EventFields {
  readonly paneId: string | undefined;
  readonly paneName: string | undefined;
  readonly command: string | undefined;
  readonly exitCode: number | null | undefined;
  /** undefined when the event carries no exit status at all; false when it is unknown (pane closed). */
  readonly exitCodeKnown: boolean | undefined;
  readonly paths: readonly string[];
  readonly tool: string | undefined;
  readonly origin: string | undefined;
  readonly text: string | undefined;
  /** What a bare Claude-style `matcher` is compared with: tool, else pane name, else path, else command. */
  readonly subject: string | undefined;
}

type Data = Record<string, unknown>;

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function asData(value: unknown): Data {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Data) : {};
}

export function eventFields(event: PicodeEvent): EventFields {
  const data = asData(event.data);
  const input = asData(data.input ?? data.args ?? data.arguments);
  const command = str(data.command) ?? str(data.commandLine) ?? str(input.command)
    ?? (event.type === 'pane.send.before' ? str(data.text) : undefined);

  let exitCode: number | null | undefined;
  let exitCodeKnown: boolean | undefined;
  for (const key of ['exitCode', 'exit', 'status'] as const) {
    if (key in data) {
      const v = data[key];
      exitCode = typeof v === 'number' ? v : null;
      exitCodeKnown = typeof v === 'number';
      break;
    }
  }

  const paths: string[] = [];
  if (Array.isArray(data.paths)) for (const p of data.paths) if (typeof p === 'string') paths.push(p);
  if (paths.length === 0) {
    const single = str(data.path) ?? str(data.file) ?? str(input.path) ?? str(input.file_path) ?? str(input.file);
    if (single !== undefined) paths.push(single);
  }

  const tool = str(data.tool) ?? str(data.toolName) ?? str(data.tool_name);
  const paneName = event.paneName ?? str(data.paneName);
  return {
    paneId: event.pane ?? str(data.pane),
    paneName,
    command,
    exitCode,
    exitCodeKnown,
    paths,
    tool,
    origin: str(data.origin),
    text: str(data.text) ?? str(data.message) ?? str(data.prompt),
    subject: tool ?? paneName ?? paths[0] ?? command,
  };
}
