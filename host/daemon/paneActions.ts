import { randomBytes } from 'node:crypto';
import { PicodeError } from '../core/errors.js';
import type { GateRegistry, PanesApi, RunResult } from '../api/hostApi.js';
import type { PaneDriver } from './driver.js';
import { assertTypable, isShellProgram, type SendKind } from './paneGuard.js';
import { sentinelLine } from '../mux/shellInit.js';
import type { PaneState } from './paneState.js';

/**
 * What the host does to panes on behalf of the extensions and the CLI: the PanesApi, the one
 * path every typed line takes (the pane guard, then the `pane.send.before` gate, then the
 * multiplexer), and `run` (type a command, wait for its end and exit status).
 */

/** The host's panes, as the pane actions need them. */
export interface PaneDirectory {
  paneStates(): PaneState[];
  requirePane(idOrName: string): PaneState;
  findPane(idOrName: string): PaneState | undefined;
  refreshPanes(): Promise<void>;
  roleOf(paneId: string): string | undefined;
}

export class PaneActions {
  constructor(private readonly panes: PaneDirectory, private readonly driver: PaneDriver, private readonly gates: GateRegistry) {}

  /** The PanesApi the extensions get (HostApi.panes). */
  api(): PanesApi {
    const host = this;
    const directory = this.panes;
    const driver = this.driver;
    return {
      list: () => directory.paneStates().map((p) => p.info),
      resolve: (idOrName) => directory.findPane(idOrName)?.info,
      capture: async (pane, options = {}) => driver.capture(directory.requirePane(pane).id, options.lines ?? 0, options.ansi ?? false),
      async sendText(pane, text, options) {
        const state = directory.requirePane(pane);
        await host.guard(state, 'send', options.force ?? false);
        const verdict = await host.gateSend(state, { text, enter: options.enter, origin: options.origin, ...(options.secret ? { secret: true } : {}) });
        await driver.sendText(state.id, verdict.text ?? text, options.enter);
      },
      async sendKeys(pane, keys, options) {
        const state = directory.requirePane(pane);
        await host.guard(state, 'keys', options.force ?? false);
        const verdict = await host.gateSend(state, { keys: [...keys], enter: false, origin: options.origin });
        await driver.sendKeys(state.id, verdict.keys ?? keys);
      },
      run: (pane, command, options) => host.run(pane, command, options),
    };
  }

  private async gateSend(
    pane: PaneState,
    data: { text?: string; keys?: string[]; enter: boolean; origin: string; secret?: boolean },
  ): Promise<{ text?: string; keys?: readonly string[] }> {
    const verdict = await this.gates.pass({ type: 'pane.send.before', pane: pane.id, data });
    if (verdict.decision !== 'allow') {
      const what = data.keys ? `keys ${data.keys.join(' ')}` : data.secret ? 'secret text' : `text ${JSON.stringify(data.text ?? '')}`;
      throw new PicodeError(
        `sending ${what} to pane ${pane.id}${pane.info.name ? ` (${pane.info.name})` : ''} was ${verdict.decision === 'deny' ? 'denied' : 'held for confirmation'} by a hook${verdict.reason ? `: ${verdict.reason}` : ''}`,
        { hint: 'see the hooks on `pane.send.before` (`picode hooks list`)' },
      );
    }
    const updated = verdict.data as { text?: unknown; keys?: unknown };
    return {
      ...(typeof updated.text === 'string' ? { text: updated.text } : {}),
      ...(Array.isArray(updated.keys) ? { keys: updated.keys.map(String) } : {}),
    };
  }

  /**
   * Runs a command line in the pane's shell and waits for it. A shell with picode's marks
   * reports the command itself; otherwise picode wraps the line in sentinel marks of its own
   * (printf of OSC 133 C/D with a nonce), which delimit the output and carry the exit status.
   */
  async run(paneRef: string, command: string, options: { origin: string; timeoutMs?: number; signal?: AbortSignal; force?: boolean }): Promise<RunResult> {
    const pane = this.panes.requirePane(paneRef);
    await this.guard(pane, 'run', options.force ?? false);
    const verdict = await this.gateSend(pane, { text: command, enter: true, origin: options.origin });
    const line = (verdict.text ?? command).replace(/[\s;]+$/, '');
    const started = Date.now();
    let wait: ReturnType<PaneState['waitForCommand']>;
    let typed: string;
    let nonce: string | undefined;
    if (pane.hasMarks) {
      wait = pane.waitForCommand(undefined);
      typed = line;
    } else {
      nonce = randomBytes(6).toString('hex');
      pane.registerRun(nonce, line);
      wait = pane.waitForCommand(nonce);
      typed = sentinelLine(line, nonce, pane.info.command);
    }
    try {
      await this.driver.sendText(pane.id, typed, true);
    } catch (error) {
      wait.cancel();
      throw error;
    }
    // Stop waiting (the command keeps running in the pane) on timeout, or when the caller went
    // away (`picode run` interrupted): nothing is left waiting for a result nobody reads.
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const giveUp = new Promise<RunResult>((resolve) => {
      const stop = (): void => {
        wait.cancel();
        pane.flush();
        resolve({ exitCode: null, output: pane.partialOutput(nonce), durationMs: Date.now() - started, interrupted: true });
      };
      if (options.timeoutMs !== undefined) timer = setTimeout(stop, options.timeoutMs);
      onAbort = stop;
      options.signal?.addEventListener('abort', stop, { once: true });
    });
    try {
      return await Promise.race([wait.promise, giveUp]);
    } finally {
      clearTimeout(timer);
      if (onAbort) options.signal?.removeEventListener('abort', onAbort);
    }
  }

  /** The one check before anything is typed into a pane (see paneGuard.ts). */
  private async guard(pane: PaneState, kind: SendKind, force: boolean): Promise<void> {
    if (force) return;
    // The foreground program changes all the time: ask the multiplexer now (one control command).
    // A shell that is starting shows its launcher (`env`, `sh -c`) for a moment: look again
    // briefly before refusing.
    if (kind === 'run') {
      const deadline = Date.now() + 750;
      await this.panes.refreshPanes();
      while (pane.info.command && !isShellProgram(pane.info.command) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
        await this.panes.refreshPanes();
      }
    }
    assertTypable({ id: pane.id, name: pane.info.name, role: this.panes.roleOf(pane.id), command: pane.info.command }, kind, false);
  }
}

