import { contextItem, type ContextItem, type ContextSource } from './types.js';

/**
 * The built-in context sources. They take the functions that read panes and command
 * history as arguments: src/ never imports the host, which supplies them (from the
 * multiplexer, the host's event log, or IPC).
 */

/** A pane's recent output (its visible screen plus `lines` of history). */
export function paneOutputSource(options: {
  readonly pane: string;
  /** A name to show (the layout name), defaults to the pane id. */
  readonly label?: string;
  readonly lines: number;
  readonly capture: (pane: string, lines: number) => Promise<string>;
}): ContextSource {
  return async () => {
    const text = trimBlankLines(await options.capture(options.pane, options.lines));
    if (!text) return [];
    return [contextItem({
      source: `pane:${options.pane}`,
      title: `recent output of pane ${options.label ?? options.pane}`,
      text,
      priority: 50,
      keep: 'tail',
    })];
  };
}

export interface FailedCommand {
  readonly command: string;
  readonly exitCode: number | null;
  readonly output: string;
  readonly pane: string | undefined;
  readonly paneName?: string | undefined;
}

/** The last command that failed (non-zero exit), with its output. */
export function lastFailedCommandSource(find: () => Promise<FailedCommand | undefined>): ContextSource {
  return async () => {
    const failed = await find();
    if (!failed) return [];
    const where = failed.paneName ?? failed.pane;
    return [contextItem({
      source: `command:${failed.pane ?? 'unknown'}`,
      title: `last failed command${where ? ` in pane ${where}` : ''}: \`${failed.command}\` (exit ${failed.exitCode ?? 'unknown'})`,
      text: `$ ${failed.command}\n${trimBlankLines(failed.output)}`,
      priority: 80,
      keep: 'tail',
    })];
  };
}

/** A file the user named. `read` throws (with a user-facing message) when it cannot be read. */
export function fileSource(options: { readonly path: string; readonly read: (path: string) => Promise<string> }): ContextSource {
  return async () => [contextItem({
    source: `file:${options.path}`,
    title: options.path,
    text: await options.read(options.path),
    priority: 70,
    keep: 'head',
  })];
}

/** Items gathered elsewhere (a plugin's `gather-context`), passed through with their own priorities. */
export function staticSource(items: readonly ContextItem[]): ContextSource {
  return async () => items;
}

function trimBlankLines(text: string): string {
  return text.replace(/^\s*\n/, '').replace(/\s+$/, '');
}

export type { ContextItem };
