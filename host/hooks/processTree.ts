import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';

/**
 * Everything a hook run started, so that all of it ends with the run. A process group is not
 * enough: `setsid cmd &` or a daemon's double fork leaves the group (and the session). What
 * every descendant keeps is its environment, so each run gets a variable with a token of its
 * own (PICODE_HOOK_RUN); on Linux the processes that carry it are found in /proc and killed
 * with the group. A process that clears its whole environment (`env -i`) and leaves the group
 * escapes; where /proc does not exist (macOS) only the group is killed. docs/hooks.md says so.
 */
export const hookRunVariable = 'PICODE_HOOK_RUN';

export interface ProcessTree {
  /** Added to the hook's environment. */
  readonly env: Record<string, string>;
  /** The hook's process group (its shell's pid). */
  attach(pgid: number): void;
  /** Signals the group at once, and every process carrying this run's token once found. */
  signal(signal: NodeJS.Signals): Promise<void>;
  /**
   * Ends what is left: SIGTERM, then SIGKILL after `graceMs` to whatever still runs, repeating
   * the search so a process forked meanwhile is caught too. Resolves when none is left (or
   * after a bounded number of rounds).
   */
  end(graceMs: number): Promise<void>;
}

/** Ends still in progress, so the hook engine can wait for them when the host stops. */
const ending = new Set<Promise<void>>();

/** Resolves when every run's leftovers have been ended (or after `timeoutMs`). */
export async function processTreesEnded(timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all([...ending]), new Promise((r) => { timer = setTimeout(r, timeoutMs); })]);
  clearTimeout(timer);
}

export function trackProcessTree(options: { proc?: string } = {}): ProcessTree {
  const proc = options.proc ?? '/proc';
  const token = randomBytes(9).toString('hex');
  const needle = Buffer.from(`${hookRunVariable}=${token}\0`);
  let group: number | undefined;

  // Reading /proc is slow on some kernels (tens of ms for a few hundred processes): it is done
  // asynchronously, off the host's event loop.
  const marked = async (): Promise<number[]> => {
    let entries: string[];
    try { entries = await readdir(proc); } catch { return []; }
    const pids = entries.filter((e) => /^\d+$/.test(e) && Number(e) !== process.pid);
    const found = await Promise.all(pids.map(async (pid) => {
      try {
        // Unreadable (another user's, or gone): not ours. A zombie's environment is empty.
        return (await readFile(`${proc}/${pid}/environ`)).includes(needle) ? Number(pid) : undefined;
      } catch {
        return undefined;
      }
    }));
    return found.filter((pid): pid is number => pid !== undefined);
  };

  const send = (pid: number, signal: NodeJS.Signals): boolean => {
    try { process.kill(pid, signal); return true; } catch { return false; }
  };

  /** Signals the group and the marked processes; resolves with how many were signalled. */
  const signalAll = async (signal: NodeJS.Signals): Promise<number> => {
    let count = group !== undefined && send(-group, signal) ? 1 : 0;
    for (const pid of await marked()) if (send(pid, signal)) count++;
    return count;
  };

  const end = async (graceMs: number): Promise<void> => {
    if (await signalAll('SIGTERM') === 0) return;
    const deadline = Date.now() + graceMs;
    while (Date.now() < deadline && (await marked()).length > 0) await new Promise((r) => setTimeout(r, 25));
    if (group !== undefined) send(-group, 'SIGKILL');
    // A process may fork between a search and a kill: search again until none is left. (The
    // search skips zombies; the group may hold some until they are reaped.)
    for (let round = 0; round < 20; round++) {
      const left = await marked();
      if (left.length === 0) return;
      for (const pid of left) send(pid, 'SIGKILL');
      await new Promise((r) => setTimeout(r, 10));
    }
  };

  return {
    env: { [hookRunVariable]: token },
    attach(pgid) { group = pgid; },
    signal: async (signal) => { await signalAll(signal); },
    end(graceMs) {
      const done = end(graceMs).catch(() => undefined);
      ending.add(done);
      void done.finally(() => ending.delete(done));
      return done;
    },
  };
}
