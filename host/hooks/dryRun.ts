import { makeEvent, type PicodeEvent } from '../bus/envelope.js';
import type { HookServices } from './services.js';
import { ServiceUnavailable } from './services.js';

/**
 * Services for `picode hooks test` without a host: only shell hooks run (their exit code and
 * output are their decision); every other action is described by the engine, never performed,
 * so none of these is ever reached for it. They refuse clearly if something calls them anyway.
 */
export function dryRunServices(session: string, cwd: string): HookServices {
  const refuse = (what: string) => async (): Promise<never> => {
    throw new ServiceUnavailable(`${what} needs a running host (dry run)`);
  };
  return {
    session,
    cwd,
    env: process.env,
    panes: { run: refuse('running in a pane'), sendText: refuse('sending text'), sendKeys: refuse('sending keys'), capture: refuse('capturing a pane') },
    emit: (event) => makeEvent({ type: event.type, session, pane: event.pane, data: event.data }),
    log: { debug() {}, info() {}, warn() {}, error() {} },
    deliverToPlugin: refuse('a plugin hook'),
    ask: refuse('asking the model'),
    createPlan: refuse('planning'),
  };
}
