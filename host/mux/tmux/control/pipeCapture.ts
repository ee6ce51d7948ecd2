import { execFile } from 'node:child_process';
import { constants, mkdirSync, openSync, unlinkSync } from 'node:fs';
import { Socket } from 'node:net';
import { join } from 'node:path';
import { tmuxQuote } from './client.js';

/**
 * Bulk output capture through `pipe-pane` (the `host.capture: pipe-pane` mode): each pane's
 * output goes, unescaped, through `cat` into a FIFO the host reads. tmux 3.3a escapes control
 * mode output one byte at a time, which costs the server 3-5x the CPU on output-heavy panes;
 * a pipe costs it almost nothing (see docs/benchmarks.md, `## host`).
 *
 * The FIFO is opened read-write and non-blocking (Linux allows it), so opening never waits for
 * a writer and no libuv thread blocks; its reads go through the event loop like a socket.
 *
 * Trade-offs (docs/host.md): a pane has one pipe, so this replaces a pipe the user set up
 * (tmux-logging); tmux buffers without bound while the host does not read (no pause-after
 * here); output printed before the pipe is attached to a new pane is not seen.
 */
export class PipeCapture {
  private readonly pipes = new Map<string, { socket: Socket; path: string; lastData: number }>();

  constructor(
    private readonly dir: string,
    private readonly command: (line: string) => Promise<string[]>,
    private readonly onData: (pane: string, data: Buffer) => void,
  ) {}

  async attach(pane: string): Promise<void> {
    if (this.pipes.has(pane)) return;
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const path = join(this.dir, `${pane.replace(/\W/g, '')}.fifo`);
    try { unlinkSync(path); } catch { /* none left by an earlier host */ }
    await new Promise<void>((resolve, reject) => {
      execFile('mkfifo', ['-m', '600', path], (error) => (error ? reject(error) : resolve()));
    });
    const fd = openSync(path, constants.O_RDWR | constants.O_NONBLOCK);
    const socket = new Socket({ fd, readable: true, writable: false });
    const entry = { socket, path, lastData: Date.now() };
    socket.on('data', (chunk: Buffer) => {
      entry.lastData = Date.now();
      this.onData(pane, chunk);
    });
    socket.on('error', () => { /* closed under us: detach reports the end */ });
    this.pipes.set(pane, entry);
    // `exec cat`: one process between tmux and the FIFO; when the host dies the FIFO has no
    // reader, cat's next write fails and tmux closes the pipe (nothing piles up in tmux).
    await this.command(`pipe-pane -O -t ${pane} ${tmuxQuote(`exec cat > '${path}'`)}`);
  }

  /** Waits until the pane's pipe has been quiet for a moment (its last bytes read), then closes it. */
  async drain(pane: string, maxWaitMs = 500): Promise<void> {
    const entry = this.pipes.get(pane);
    if (!entry) return;
    const deadline = Date.now() + maxWaitMs;
    while (Date.now() < deadline && Date.now() - entry.lastData < 30) await new Promise((r) => setTimeout(r, 10));
    this.close(pane);
  }

  /** Asks tmux to close the pipes (so no `cat` is left writing to a FIFO nobody reads). */
  async detachAll(): Promise<void> {
    for (const pane of [...this.pipes.keys()]) {
      await this.command(`pipe-pane -t ${pane}`).catch(() => undefined);
      this.close(pane);
    }
  }

  /** After the session ended: read what is left, close everything. */
  async drainAll(): Promise<void> {
    await Promise.all([...this.pipes.keys()].map((pane) => this.drain(pane)));
  }

  private close(pane: string): void {
    const entry = this.pipes.get(pane);
    if (!entry) return;
    this.pipes.delete(pane);
    entry.socket.destroy();
    try { unlinkSync(entry.path); } catch { /* gone */ }
  }
}
