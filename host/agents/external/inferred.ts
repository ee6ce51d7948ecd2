import type { BusApi, Unsubscribe } from '../../api/hostApi.js';

/**
 * Status of an agent that reports none (aider, `--with CMD`), inferred from its pane: output
 * means working, quiet for `idleMs` means waiting for input, and OSC 133 marks (a prompt
 * drawn, a command started) say so at once when the CLI emits them. Hysteresis: one burst of
 * output after a quiet spell (a redraw, a resize) does not count as work; output has to go on
 * across two bursts `confirmMs` apart before the status goes back to working.
 */
export interface InferredOptions {
  readonly idleMs: number;
  readonly confirmMs?: number;
  readonly onStatus: (status: 'working' | 'waiting_input', why: string) => void;
}

export function inferStatus(bus: BusApi, pane: string, options: InferredOptions): Unsubscribe {
  const confirmMs = options.confirmMs ?? 300;
  let state: 'working' | 'waiting_input' = 'working';
  let idleTimer: NodeJS.Timeout | undefined;
  let firstBurstAt: number | undefined;
  const set = (next: 'working' | 'waiting_input', why: string): void => {
    if (state === next) return;
    state = next;
    options.onStatus(next, why);
  };
  const armIdle = (): void => {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => { firstBurstAt = undefined; set('waiting_input', 'quiet output'); }, options.idleMs);
    idleTimer.unref?.();
  };
  armIdle();
  const offOutput = bus.subscribe({ types: ['pane.output'], pane }, () => {
    armIdle();
    if (state === 'working') return;
    const now = Date.now();
    if (firstBurstAt === undefined) firstBurstAt = now;
    else if (now - firstBurstAt >= confirmMs) set('working', 'output');
  });
  const offMarks = bus.subscribe({ types: ['command.started', 'command.finished'], pane }, (event) => {
    if (event.type === 'command.started') set('working', 'OSC 133 command start');
    else { clearTimeout(idleTimer); set('waiting_input', 'OSC 133 prompt'); }
  });
  return () => { clearTimeout(idleTimer); offOutput(); offMarks(); };
}
