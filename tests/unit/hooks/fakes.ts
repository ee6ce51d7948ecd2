import type { PicodeEvent } from '../../../host/bus/envelope.js';
import type { EventInput, RunResult } from '../../../host/api/hostApi.js';
import type { HookServices, PluginReply } from '../../../host/hooks/services.js';
import { ServiceUnavailable } from '../../../host/hooks/services.js';
import { hookLimitsSchema, hookSchema, type HookConfig, type HookLimits } from '../../../host/config/sections/hooks.js';

/** In-memory stand-ins for the host's services: they record what hooks asked for. */
export interface FakeServices extends HookServices {
  readonly emitted: PicodeEvent[];
  readonly runs: Array<{ pane: string; command: string; origin: string }>;
  readonly sent: Array<{ pane: string; text?: string; keys?: readonly string[]; origin: string }>;
  runResult: (pane: string, command: string) => Promise<RunResult>;
  captureText: string;
  plugin: ((plugin: string, event: PicodeEvent) => Promise<PluginReply>) | undefined;
}

let nextId = 1000;

export function fakeServices(cwd: string = process.cwd()): FakeServices {
  const emitted: PicodeEvent[] = [];
  const runs: FakeServices['runs'] = [];
  const sent: FakeServices['sent'] = [];
  const self: FakeServices = {
    session: 'test',
    cwd,
    env: { PATH: process.env.PATH },
    emitted,
    runs,
    sent,
    captureText: '',
    plugin: undefined,
    runResult: async () => ({ exitCode: 0, output: '', durationMs: 1, interrupted: false }),
    panes: {
      run: async (pane, command, options) => {
        runs.push({ pane, command, origin: options.origin });
        return self.runResult(pane, command);
      },
      sendText: async (pane, text, options) => { sent.push({ pane, text, origin: options.origin }); },
      sendKeys: async (pane, keys, options) => { sent.push({ pane, keys, origin: options.origin }); },
      capture: async () => self.captureText,
    },
    emit(input: EventInput): PicodeEvent {
      const event = { id: nextId++, type: input.type, time: Date.now(), session: 'test', window: undefined, pane: input.pane, paneName: undefined, data: input.data };
      emitted.push(event);
      return event;
    },
    log: { debug() {}, info() {}, warn() {}, error() {} },
    deliverToPlugin: async (plugin, event) => {
      if (!self.plugin) throw new ServiceUnavailable('no plugin runtime in this test');
      return self.plugin(plugin, event);
    },
    ask: async () => { throw new ServiceUnavailable('no LLM service in this test'); },
    createPlan: async () => { throw new ServiceUnavailable('no planner in this test'); },
  };
  return self;
}

export function hooks(...configs: unknown[]): HookConfig[] {
  return configs.map((c) => hookSchema.parse(c));
}

export function limits(overrides: Partial<HookLimits> = {}): HookLimits {
  return { ...hookLimitsSchema.parse({}), ...overrides };
}

export function makeEvent(type: string, data: unknown, extra: Partial<PicodeEvent> = {}): PicodeEvent {
  return { id: nextId++, type, time: Date.now(), session: 'test', window: '@1', pane: undefined, paneName: undefined, data, ...extra };
}
