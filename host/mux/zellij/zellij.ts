import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PicodeError } from '../../core/errors.js';
import { packageRoot, stateDir, writePrivateFile } from '../../core/paths.js';
import { panesOf, type SessionSpec } from '../../layout/model.js';
import { writeZellijLayout } from '../../layout/zellijKdl.js';
import { zellijPaneProgram } from '../../layout/zellijProgram.js';
import type { CaptureOptions, LaunchOptions, LaunchResult, Multiplexer, MuxObserver, PaneInfo } from '../types.js';
import { ZellijCallError, ZellijRunner } from './exec.js';
import { keySegments } from './keys.js';
import { makeMarksVisible } from './marks.js';
import { normalisePaneId, parsePaneList, parseSessionList, terminalPanes, type ZellijSession } from './listings.js';
import { ZellijObserver } from './observer.js';

/**
 * The Zellij adapter (Zellij 0.45, driven only through its public CLI; see docs/zellij.md).
 *
 * A launch writes the layout as KDL and starts the session headless with
 * `zellij attach --create-background NAME options --default-layout FILE`; `picode up` then
 * attaches unless `--detach`. Panes are addressed by Zellij's ids (`terminal_3`). Zellij pane
 * ids are per session, so the session the adapter last launched, listed or observed is the
 * one `capture`/`sendText`/`sendKeys` act on (one host serves one session); without one,
 * `$ZELLIJ_SESSION_NAME`, and then Zellij's own rule (the only running session).
 */
export interface ZellijMuxOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** zellij executable (default `zellij` on PATH). */
  readonly binary?: string;
  /** Session that pane operations target until one is launched, listed or observed. */
  readonly session?: string;
  /** Per-call timeout in milliseconds (default: $PICODE_ZELLIJ_TIMEOUT_MS, else 10 s). */
  readonly timeoutMs?: number;
  /** How long a launch waits for the session's panes to exist (default 15 s). */
  readonly readyTimeoutMs?: number;
  /** How often the observer re-lists panes (default 1 s). */
  readonly pollMs?: number;
}

/** Bytes per `action write` call: every byte is one argv word, far below ARG_MAX. */
const WRITE_CHUNK = 4096;
/** Characters per `write-chars` call: one argv word must stay below Linux's 128 KiB per-argument limit. */
const CHARS_CHUNK = 32 * 1024;

export class ZellijMux implements Multiplexer {
  readonly kind = 'zellij' as const;
  readonly runner: ZellijRunner;
  private readonly env: NodeJS.ProcessEnv;
  private session: string | undefined;
  private readonly readyTimeoutMs: number;
  private readonly pollMs: number | undefined;

  constructor(options: ZellijMuxOptions = {}) {
    this.env = options.env ?? process.env;
    const envTimeout = Number(this.env.PICODE_ZELLIJ_TIMEOUT_MS);
    this.runner = new ZellijRunner({
      binary: options.binary ?? (this.env.PICODE_ZELLIJ_BINARY || undefined),
      env: this.env,
      timeoutMs: options.timeoutMs ?? (envTimeout > 0 ? envTimeout : undefined),
    });
    this.session = options.session;
    this.readyTimeoutMs = options.readyTimeoutMs ?? 15_000;
    this.pollMs = options.pollMs;
  }

  async version(): Promise<string | undefined> {
    try {
      const { stdout } = await this.runner.run(undefined, ['--version'], { timeoutMs: 5000 });
      return stdout.trim().replace(/^zellij\s+/i, '') || undefined;
    } catch {
      return undefined;
    }
  }

  /** Every session Zellij knows, live or dead (resurrectable). */
  async sessions(): Promise<ZellijSession[]> {
    try {
      return parseSessionList((await this.runner.run(undefined, ['list-sessions', '--no-formatting'])).stdout);
    } catch (error) {
      // "No active zellij sessions found." is exit 1.
      if (error instanceof ZellijCallError && error.code === 1) return [];
      throw error;
    }
  }

  async listSessions(): Promise<string[]> {
    return (await this.sessions()).filter((s) => !s.exited).map((s) => s.name);
  }

  async hasSession(session: string): Promise<boolean> {
    return (await this.listSessions()).includes(session);
  }

  async launch(layout: SessionSpec, options: LaunchOptions): Promise<LaunchResult> {
    const session = options.session;
    const callsBefore = this.runner.calls;
    const existing = (await this.sessions()).find((s) => s.name === session);
    if (existing && !existing.exited) {
      if (!options.replace) throw sessionExists(session);
      await this.kill(session);
    } else if (existing?.exited) {
      // `attach --create-background` would resurrect the dead session's old layout instead of ours.
      await this.runner.run(undefined, ['delete-session', session]);
    }
    const env = { ...this.env };
    // Started from inside another Zellij session, the new server must not think it is nested in it.
    delete env.ZELLIJ;
    delete env.ZELLIJ_SESSION_NAME;
    delete env.ZELLIJ_PANE_ID;
    const zellijOptions = ['options'];
    const asWritten = layout.source.format === 'zellij' && existsSync(layout.source.file);
    if (asWritten) {
      // A Zellij layout runs as written: its plugin panes, floating panes and swap layouts
      // (which picode's layout model leaves out) are Zellij's to run. Its relative cwds are
      // resolved against the directory picode runs in, as the import did; --default-cwd would
      // override the layout's own `cwd`.
      zellijOptions.push('--default-layout', resolve(layout.source.file));
    } else {
      zellijOptions.push('--default-layout', await this.writeLayout(layout, session), '--default-cwd', layout.cwd);
    }
    await this.runner.run(undefined, ['attach', '--create-background', session, ...zellijOptions], { env });
    this.session = session;
    const expected = layout.windows.reduce((n, w) => n + [...panesOf(w.root)].length, 0);
    let panes = await this.waitForPanes(session, expected, asWritten);
    const typed = layout.windows.flatMap((w) => [...panesOf(w.root)]).map((p, i) => ({ pane: panes[i], commands: p.typed }))
      .filter((t): t is { pane: PaneInfo; commands: readonly string[] } => t.pane !== undefined && t.commands.length > 0);
    if (typed.length) {
      await this.sendWhenReady(typed);
      panes = await this.listPanes(session);
    }
    return { session, panes, invocations: this.runner.calls - callsBefore };
  }

  /** Attaches this terminal; from inside Zellij, switches the current client to the session instead of nesting. */
  async attach(session: string): Promise<number> {
    this.session = session;
    if (this.env.ZELLIJ !== undefined) {
      await this.runner.run(undefined, ['action', 'switch-session', session]);
      return 0;
    }
    // Interactive: the one call without a timeout, it lasts as long as the user stays attached.
    this.runner.calls++;
    return new Promise((resolve, reject) => {
      const child = spawn(this.runner.binary, ['attach', session], { stdio: 'inherit', env: this.env });
      child.on('error', reject);
      child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
    });
  }

  async kill(session: string): Promise<void> {
    await this.runner.run(undefined, ['delete-session', '--force', session]);
  }

  async listPanes(session: string): Promise<PaneInfo[]> {
    this.session = session;
    const { stdout } = await this.runner.run(session, ['action', 'list-panes', '--json', '--command']);
    return terminalPanes(parsePaneList(stdout));
  }

  async capture(paneId: string, options: CaptureOptions = {}): Promise<string> {
    const id = paneIdOrThrow(paneId);
    const args = ['action', 'dump-screen', '--pane-id', id];
    if (options.ansi) args.push('--ansi');
    if (!options.lines || options.lines <= 0) return (await this.runner.run(this.session, args)).stdout;
    // dump-screen gives the viewport or everything (--full): keep the viewport plus `lines` of history.
    const [viewport, full] = await Promise.all([
      this.runner.run(this.session, args),
      this.runner.run(this.session, [...args, '--full']),
    ]);
    const visible = viewport.stdout.replace(/\n$/, '').split('\n').length;
    const all = full.stdout.replace(/\n$/, '').split('\n');
    return `${all.slice(-(visible + options.lines)).join('\n')}\n`;
  }

  async sendText(paneId: string, rawText: string, enter: boolean): Promise<void> {
    const id = paneIdOrThrow(paneId);
    // `picode run`'s OSC 133 printf marks would never reach a viewport: print visible tokens (marks.ts).
    const text = makeMarksVisible(rawText);
    // write-chars takes the text as one argument: text starting with "-" would be read as an
    // option, and control characters are clearer as bytes, so those go through `write`.
    if (text !== '' && (text.startsWith('-') || /[\x00-\x1f\x7f]/.test(text))) {
      await this.writeBytes(id, [...Buffer.from(text, 'utf8'), ...(enter ? [13] : [])]);
      return;
    }
    for (let i = 0; i < text.length; i += CHARS_CHUNK) {
      await this.runner.run(this.session, ['action', 'write-chars', '--pane-id', id, text.slice(i, i + CHARS_CHUNK)]);
    }
    if (enter) await this.writeBytes(id, [13]);
  }

  async sendKeys(paneId: string, keys: readonly string[]): Promise<void> {
    const id = paneIdOrThrow(paneId);
    for (const segment of keySegments(keys)) {
      if (segment.kind === 'bytes') await this.writeBytes(id, segment.bytes);
      else if (segment.kind === 'text') await this.sendText(id, segment.text, false);
      else await this.runner.run(this.session, ['action', 'send-keys', '--pane-id', id, segment.key]);
    }
  }

  /** The observer for a session: `zellij subscribe` viewports diffed into output, panes polled. */
  observe(session: string): MuxObserver {
    this.session = session;
    return new ZellijObserver({ session, runner: this.runner, pollMs: this.pollMs, panes: this });
  }

  // ---------------------------------------------------------------- internals

  private async writeBytes(id: string, bytes: readonly number[]): Promise<void> {
    for (let i = 0; i < bytes.length; i += WRITE_CHUNK) {
      await this.runner.run(this.session, ['action', 'write', '--pane-id', id, ...bytes.slice(i, i + WRITE_CHUNK).map(String)]);
    }
  }

  private async writeLayout(layout: SessionSpec, session: string): Promise<string> {
    const shell = this.env.SHELL || '/bin/sh';
    const wantsShellInit = layout.windows.some((w) => [...panesOf(w.root)].some((p) => p.shellInit));
    const shellInitArgv = wantsShellInit ? (await import('../shellInit.js')).shellInitCommand(shell, this.env) : undefined;
    const ctx = { session, shell, shellInitArgv, picodeArgv: [process.execPath, join(packageRoot(), 'bin', 'picode.js')] };
    const { text } = writeZellijLayout(layout, {
      chrome: true,
      program: (pane, window) => zellijPaneProgram(layout, pane, window, ctx),
    });
    const dir = join(stateDir(this.env), 'zellij');
    const file = join(dir, `${session.replace(/[^A-Za-z0-9_.-]/g, '_')}.kdl`);
    writePrivateFile(file, text, this.env);
    return file;
  }

  /** Polls until the new session lists its terminal panes (creation is asynchronous in the server). */
  private async waitForPanes(session: string, expected: number, settle: boolean): Promise<PaneInfo[]> {
    const deadline = Date.now() + this.readyTimeoutMs;
    let lastError: unknown;
    let previous = -1;
    for (;;) {
      try {
        const panes = await this.listPanes(session);
        if (panes.length >= expected) return panes;
        // A Zellij file launched as written may hold fewer terminal panes than picode's reading
        // of it (a tab of plugins only): a pane count that stops changing is the answer.
        if (settle && panes.length > 0 && panes.length === previous) return panes;
        previous = panes.length;
      } catch (error) {
        // exit 1 while the server is still starting ("no active session"); anything else is real.
        if (!(error instanceof ZellijCallError) || error.code !== 1) throw error;
        lastError = error;
      }
      if (Date.now() > deadline) {
        if (settle && previous >= 0) return this.listPanes(session);
        throw new PicodeError(`the Zellij session "${session}" did not show its ${expected} panes within ${this.readyTimeoutMs} ms`, {
          hint: `check it with \`zellij attach ${session}\`; ${lastError instanceof Error ? lastError.message : 'the layout may have failed to load'}`,
        });
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /**
   * Typed commands (tmuxp/tmuxinator imports) are sent once the pane's shell shows something
   * (its prompt): keys sent before the line editor reads are lost or doubled. A pane that
   * never prints gets them after the timeout anyway.
   */
  private async sendWhenReady(targets: ReadonlyArray<{ pane: PaneInfo; commands: readonly string[] }>, timeoutMs = 5000): Promise<void> {
    const pending = new Set(targets.map((t) => t.pane.id));
    const deadline = Date.now() + timeoutMs;
    while (pending.size && Date.now() < deadline) {
      for (const id of [...pending]) {
        const screen = await this.capture(id).catch(() => '');
        if (screen.trim() !== '') pending.delete(id);
      }
      if (pending.size) await new Promise((r) => setTimeout(r, 50));
    }
    for (const { pane, commands } of targets) {
      for (const command of commands) await this.sendText(pane.id, command, true);
    }
  }
}

function paneIdOrThrow(paneId: string): string {
  const id = normalisePaneId(paneId);
  if (!id) {
    throw new PicodeError(`"${paneId}" is not a Zellij pane id`, {
      hint: 'Zellij pane ids look like terminal_3 (or a bare 3); `picode panes` lists them',
    });
  }
  return id;
}

export function sessionExists(session: string): PicodeError {
  return new PicodeError(`a Zellij session named "${session}" already exists`, {
    hint: 'attach to it with `zellij attach ' + session + '`, replace it with --replace, or pick another name with --session NAME',
  });
}
