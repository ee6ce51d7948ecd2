import type { EventInput, GateDecision, GateRegistry, HostLogger, Unsubscribe, BusApi } from './contract.js';
import type { PicodeEvent } from './envelope.js';
import { combineVerdicts } from './verdicts.js';
import type { BlockingEventType, EventData } from './catalog/index.js';

type Gate = (event: PicodeEvent) => Promise<GateDecision | undefined>;

/**
 * Gates for blocking events. `pass` emits the event (so it is persisted and visible like any
 * other), asks every gate at once and combines the answers (combineDecisions); no
 * answer is allow. A gate that throws denies (a broken policy must not silently allow);
 * the error is logged with the gate's name.
 */
export class Gates implements GateRegistry {
  private readonly gates: Array<{ name: string; gate: Gate }> = [];

  constructor(private readonly bus: BusApi, private readonly log: HostLogger) {}

  register(name: string, gate: Gate): Unsubscribe {
    const entry = { name, gate };
    this.gates.push(entry);
    return () => {
      const i = this.gates.indexOf(entry);
      if (i !== -1) this.gates.splice(i, 1);
    };
  }

  async pass<TType extends BlockingEventType>(input: EventInput<TType>): Promise<GateDecision & { readonly data: EventData<TType> }> {
    const event = this.bus.emit(input);
    const gates = [...this.gates];
    const answers = await Promise.all(gates.map(async ({ name, gate }): Promise<GateDecision | undefined> => {
      try {
        return await gate(event);
      } catch (error) {
        this.log.error(`gate ${name} failed`, { type: event.type, error: (error as Error).stack ?? String(error) });
        return { decision: 'deny', reason: `gate ${name} failed: ${(error as Error).message}` };
      }
    }));
    return combineDecisions(answers, input.data);
  }
}

/**
 * Combines gate answers (in registration order) by the one verdict rule (host/bus/verdicts.ts);
 * when no gate has an opinion the action proceeds with its data unchanged.
 */
export function combineDecisions<TData>(answers: ReadonlyArray<GateDecision | undefined>, original: TData): GateDecision & { readonly data: TData } {
  return combineVerdicts(answers, original) ?? { decision: 'allow', data: original };
}
