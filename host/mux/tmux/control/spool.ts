import { renameSync, statSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, rmSync, unlinkSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';

/**
 * The spool capture (`host.capture: spool`, the default): each pane is piped (`pipe-pane -O`)
 * into a small shell writer that appends the pane's bytes to segment files on disk, which the
 * host follows. The writer never waits for the host: tmux hands it the bytes at no-client
 * speed, and when the host is stopped, slow or dead the bytes wait on disk, not in the tmux
 * server's memory nor the host's.
 *
 * One spool per pane and pipe ("epoch"), a directory `<root>/<pane>-<writer pid>/` (0700):
 * - `base`: the pane stream offset of the spool's first byte (its time orders the epochs);
 * - `<n>.seg`: segment n, exactly `segmentBytes` bytes once complete (the last one may be
 *   shorter), covering `[base + n * segmentBytes, ...)`; GNU `head -c` reads exactly that many
 *   bytes from the pipe, so segments never overlap, and writes each read at once (`stdbuf -o0`:
 *   the host sees the bytes as they come);
 * - `<n>.read`: segment n once the reader claimed it (renamed: the writer never drops it then);
 * - `<n>.drop`: instead of segment n when the spool was full (`maxSegments` unclaimed segments):
 *   the writer deleted that oldest segment to make room for new output; the file holds its size.
 *   The newest output is always on disk, so the end of a flood is never stuck in the writer;
 * - `pid`: the writer's process id; `end`: the pipe was closed (pane closed, pipe replaced).
 *
 * The host deletes a segment once its bytes are durably recorded (`acknowledge`), so a host
 * killed at any point resumes from what it had recorded, with nothing lost or counted twice.
 */
export interface SpoolOptions {
  /** Bytes per segment file. */
  readonly segmentBytes: number;
  /** Unread segments a pane may have on disk; past this the writer drops (and counts) bytes. */
  readonly maxSegments: number;
}

/**
 * The writer, run by tmux as the pane's pipe command (`sh -c SCRIPT picode-spool ROOT PANE BASE`).
 * No `#` and no `%` in it: tmux expands formats and strftime sequences in pipe-pane commands.
 */
export function spoolWriterScript(options: SpoolOptions): string {
  const s = options.segmentBytes;
  const seg = (v: string): string => `"$d/$${v}.seg"`;
  return [
    'umask 077',
    'd="$1/$2-$$"',
    'mkdir -p "$d" || exit 1',
    // Without its tools the writer would end at once, and a host re-piping the pane would loop:
    // it leaves `failed` (why) and `end`, and the host reports the pane instead.
    `if ! ${toolCheck}; then echo "$PATH" > "$d/failed"; : > "$d/end"; exit 1; fi`,
    'echo "$3" > "$d/base"',
    'echo $$ > "$d/pid"',
    'n=0',
    'o=0',
    'while :; do set -- "$d"/*.seg; '
      // Full: the oldest segment nobody reads yet goes (renamed away atomically, so either the
      // reader claims it or the writer drops it, never both), counted in `<o>.drop`.
      + `while [ -e "$1" ] && [ $# -ge ${options.maxSegments} ] && [ $o -lt $n ]; do `
      + `if mv ${seg('o')} "$d/$o.gone" 2>/dev/null; then echo ${s} > "$d/$o.tmp"; mv "$d/$o.tmp" "$d/$o.drop"; rm -f "$d/$o.gone"; fi; `
      + 'o=$((o+1)); set -- "$d"/*.seg; done; '
      // The spool directory gone (deleted under a live pane): stop rather than spin.
      + `stdbuf -o0 head -c ${s} > ${seg('n')} || break; `
      // Nothing read: the pipe closed (the file may have been claimed by the reader meanwhile).
      + `if [ -e ${seg('n')} ] && [ ! -s ${seg('n')} ]; then rm -f ${seg('n')}; break; fi; `
      + 'if [ -e "$d/$n.read" ] && [ ! -s "$d/$n.read" ]; then break; fi; '
      + 'n=$((n+1)); done',
    ': > "$d/end"',
  ].join('; ');
}

/**
 * The writer's tools, checked as the writer runs them: GNU `stdbuf` (coreutils; not on macOS
 * or busybox systems by default) making GNU `head -c` write each read at once. Other `head`s
 * read ahead through stdio and would lose the bytes between two segments.
 */
const toolCheck = 'stdbuf -o0 head -c 1 </dev/null >/dev/null 2>&1';

/**
 * A shell command, run by tmux (`run-shell`, in the environment pane pipes get), that writes to
 * `file` why spool capture cannot work there, or nothing when it can.
 */
export function spoolProbeScript(file: string): string {
  const word = `'${file.replace(/'/g, "'\\''").replace(/#/g, '##')}'`;
  return `if ${toolCheck}; then : > ${word}; `
    + `else echo "GNU coreutils stdbuf and head are needed for host.capture: spool and were not found (or do not work) on the tmux server's PATH ($PATH)" > ${word}; fi`;
}

/** The pipe-pane shell command (tmux fills in the pane id). */
export function spoolPipeCommand(root: string, base: number, options: SpoolOptions): string {
  return `exec sh -c '${spoolWriterScript(options)}' picode-spool ${shellWord(root)} '#{pane_id}' ${base}`;
}

/** A single-quoted shell word that survives tmux's expansion (`#` formats, `%` strftime). */
function shellWord(value: string): string {
  return `'${value.replace(/'/g, "'\\''").replace(/#/g, '##').replace(/%/g, '%%')}'`;
}

export interface SpoolEpoch {
  readonly dir: string;
  readonly pane: string;
  readonly base: number;
  readonly started: bigint;
}

/** The spools under `root` for `pane` (oldest first), or for every pane. */
export function listEpochs(root: string, pane?: string): SpoolEpoch[] {
  let names: string[];
  try { names = readdirSync(root); } catch { return []; }
  const out: SpoolEpoch[] = [];
  for (const name of names) {
    const m = /^(%\d+)-(\d+)$/.exec(name);
    if (!m || (pane !== undefined && m[1] !== pane)) continue;
    const dir = join(root, name);
    let base: number;
    let started: bigint;
    try {
      const text = readFileSync(join(dir, 'base'), 'utf8');
      if (!text.endsWith('\n')) continue; // still being written
      base = Number(text);
      started = statSync(join(dir, 'base'), { bigint: true }).mtimeNs;
    } catch { continue; } // still being created
    if (!Number.isFinite(base)) continue;
    out.push({ dir, pane: m[1]!, base, started });
  }
  return out.sort((a, b) => (a.started < b.started ? -1 : a.started > b.started ? 1 : 0));
}

/** True while the epoch's writer runs (no `end` and its process alive). */
export function epochAlive(epoch: SpoolEpoch): boolean {
  if (existsSync(join(epoch.dir, 'end'))) return false;
  try {
    const pid = Number(readFileSync(join(epoch.dir, 'pid'), 'utf8'));
    process.kill(pid, 0);
    return true;
  } catch {
    // No pid file yet means the writer is starting.
    return !existsSync(join(epoch.dir, 'pid'));
  }
}

export interface SpoolSink {
  data(bytes: Buffer): void;
  dropped(bytes: number): void;
  /** The writer ended and everything it wrote was read. */
  ended(): void;
}

/** Read at most this much per turn of the event loop (other panes and IPC stay responsive). */
const readPerTurn = 128 * 1024;

/**
 * Follows one spool from a stream offset: reads segments as the writer appends to them
 * (woken by inotify), reports drop files, and deletes segments the host acknowledged.
 */
export class SpoolReader {
  private n: number;
  private pos: number;
  private fd: number | undefined;
  private watcher: FSWatcher | undefined;
  private poll: NodeJS.Timeout | undefined;
  private pumping = false;
  private scheduled = false;
  private finished = false;
  private acknowledged: number;
  private readonly buffer = Buffer.allocUnsafe(64 * 1024);

  constructor(readonly epoch: SpoolEpoch, from: number, private readonly options: SpoolOptions, private readonly sink: SpoolSink) {
    const skip = Math.max(0, from - epoch.base);
    this.n = Math.floor(skip / options.segmentBytes);
    this.pos = skip % options.segmentBytes;
    this.acknowledged = epoch.base + this.n * options.segmentBytes;
    // Segments wholly before the start were recorded by an earlier host.
    for (let i = 0; i < this.n; i++) for (const kind of ['seg', 'read', 'drop'] as const) this.remove(i, kind);
  }

  /** Stream offset of the next byte this reader delivers. */
  get offset(): number {
    return this.epoch.base + this.n * this.options.segmentBytes + this.pos;
  }

  get done(): boolean {
    return this.finished;
  }

  start(): void {
    try {
      // Caught up, read at once on a write (no extra turn of the event loop: this is the
      // latency path). Behind, the paced read already scheduled takes it: inotify queues one
      // event per write of the writer, so a host resumed after a stall gets thousands at once,
      // and pumping on each would read the whole backlog in one turn.
      this.watcher = watch(this.epoch.dir, () => { if (!this.scheduled) this.pump(); });
      this.watcher.on('error', () => undefined);
    } catch { /* the directory is gone: the poll notices the end */ }
    // inotify wakes the reader; the poll only catches what it cannot report (a directory
    // recreated, a watch limit reached).
    this.poll = setInterval(() => this.schedule(), 250);
    this.poll.unref();
    this.schedule();
  }

  /** Reads what is there now (synchronously, for a final drain). */
  pumpNow(): void {
    this.pump();
  }

  stop(): void {
    this.watcher?.close();
    this.watcher = undefined;
    if (this.poll) clearInterval(this.poll);
    this.poll = undefined;
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  /** The host recorded the stream up to `offset`: complete segments before it are deleted. */
  acknowledge(offset: number): void {
    const s = this.options.segmentBytes;
    while (this.acknowledged + s <= offset && this.acknowledged + s <= this.epoch.base + this.n * s) {
      const k = (this.acknowledged - this.epoch.base) / s;
      this.remove(k, 'read');
      this.remove(k, 'drop');
      this.acknowledged += s;
    }
  }

  /** Deletes the spool directory (after the reader finished, or when the pane is gone). */
  discard(): void {
    this.finished = true;
    this.stop();
    rmSync(this.epoch.dir, { recursive: true, force: true });
  }

  private schedule(): void {
    if (this.scheduled || this.finished) return;
    this.scheduled = true;
    setImmediate(() => { this.scheduled = false; this.pump(); });
  }

  private scheduleLater(): void {
    if (this.scheduled || this.finished) return;
    this.scheduled = true;
    setTimeout(() => { this.scheduled = false; this.pump(); }, 2);
  }

  private pump(): void {
    if (this.pumping || this.finished) return;
    this.pumping = true;
    try {
      let budget = readPerTurn;
      const s = this.options.segmentBytes;
      while (budget > 0) {
        if (this.fd === undefined) {
          const claimed = join(this.epoch.dir, `${this.n}.read`);
          // Claimed before reading, so the writer cannot drop it meanwhile.
          try { renameSync(join(this.epoch.dir, `${this.n}.seg`), claimed); } catch { /* claimed already, dropped, or not written yet */ }
          try {
            this.fd = openSync(claimed, 'r');
          } catch {
            const dropped = this.readDrop();
            if (dropped !== undefined) {
              this.sink.dropped(dropped);
              this.n++;
              this.pos = 0;
              continue;
            }
            if (existsSync(join(this.epoch.dir, 'end')) || !existsSync(this.epoch.dir)) {
              // The writer may have created the next file just before `end`: look once more.
              if (['seg', 'read', 'drop'].some((kind) => existsSync(join(this.epoch.dir, `${this.n}.${kind}`)))) continue;
              this.finish();
            }
            return;
          }
        }
        const want = Math.min(this.buffer.length, s - this.pos, budget);
        const got = want > 0 ? readSync(this.fd, this.buffer, 0, want, this.pos) : 0;
        if (got > 0) {
          this.pos += got;
          budget -= got;
          // A copy: the buffer is reused, the host keeps what it is given.
          this.sink.data(Buffer.from(this.buffer.subarray(0, got)));
          continue;
        }
        if (this.pos >= s) {
          // Complete: the writer has moved on to the next file.
          closeSync(this.fd);
          this.fd = undefined;
          this.n++;
          this.pos = 0;
          continue;
        }
        // A short segment is complete only when the writer ended (it is the last one).
        if (existsSync(join(this.epoch.dir, 'end'))) {
          const more = readSync(this.fd, this.buffer, 0, Math.min(this.buffer.length, s - this.pos), this.pos);
          if (more > 0) { this.pos += more; this.sink.data(Buffer.from(this.buffer.subarray(0, more))); continue; }
          this.finish();
        }
        return;
      }
      // More is waiting (the host is catching up): the next read waits for a timer turn, so the
      // host's flushes and garbage collection keep pace and its memory stays flat.
      this.scheduleLater();
    } catch (error) {
      // The spool vanished under us (removed by hand): report what cannot be read and stop.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') this.finish();
      else throw error;
    } finally {
      this.pumping = false;
    }
  }

  private readDrop(): number | undefined {
    try {
      const count = Number(readFileSync(join(this.epoch.dir, `${this.n}.drop`), 'utf8').trim());
      return Number.isFinite(count) ? count : undefined;
    } catch {
      return undefined;
    }
  }

  private remove(n: number, kind: 'seg' | 'read' | 'drop'): void {
    try { unlinkSync(join(this.epoch.dir, `${n}.${kind}`)); } catch { /* already gone */ }
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.stop();
    this.sink.ended();
  }
}

/** Creates the spool root (0700) for a host. */
export function ensureSpoolRoot(root: string): void {
  mkdirSync(root, { recursive: true, mode: 0o700 });
}
