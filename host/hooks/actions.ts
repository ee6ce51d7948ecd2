import type { PicodeEvent } from '../bus/envelope.js';
import type { HookAction, HookLimits } from '../config/sections/hooks.js';
import type { CompiledHook } from './compile.js';
import { actionResult, specOf, type ActionContext, type ActionResult } from './actionKinds.js';
import { capString } from './decisions.js';
import { ServiceUnavailable, type HookServices } from './services.js';

/** Running, dry-running and describing a hook's action through the entry of its kind (actionKinds.ts). */
export type { ActionResult } from './actionKinds.js';

function context(hook: CompiledHook, event: PicodeEvent, services: HookServices, limits: HookLimits, signal: AbortSignal | undefined): ActionContext {
  return { event, services, limits, hook: hook.name, timeout: hook.config.timeout, signal };
}

/** A failure of the run becomes its outcome: `unavailable` when a service is missing, else `error`. */
async function settled(run: () => Promise<ActionResult>): Promise<ActionResult> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ServiceUnavailable) return actionResult('unavailable', { reason: error.message });
    return actionResult('error', { reason: capString((error as Error)?.message ?? String(error), 2000) });
  }
}

function run<K extends HookAction['kind']>(action: HookAction<K>, ctx: ActionContext): Promise<ActionResult> {
  return specOf(action).run(action.params, ctx);
}

function dryRun<K extends HookAction['kind']>(action: HookAction<K>, ctx: ActionContext): Promise<ActionResult> | undefined {
  return specOf(action).dryRun?.(action.params, ctx);
}

export function runHookAction(hook: CompiledHook, event: PicodeEvent, services: HookServices, limits: HookLimits, signal?: AbortSignal): Promise<ActionResult> {
  return settled(() => run(hook.action, context(hook, event, services, limits, signal)));
}

/** The dry run of a hook's action, or undefined when its kind is only described in dry runs. */
export function dryRunHookAction(hook: CompiledHook, event: PicodeEvent, services: HookServices, limits: HookLimits): Promise<ActionResult> | undefined {
  let pending: Promise<ActionResult> | undefined;
  try {
    pending = dryRun(hook.action, context(hook, event, services, limits, undefined));
  } catch (error) {
    pending = Promise.reject(error as Error);
  }
  return pending && settled(() => pending);
}

/** What a hook's action would do for this event (dry runs, `hooks test`). */
export function describeAction(hook: CompiledHook, event: PicodeEvent): string {
  const describe = <K extends HookAction['kind']>(action: HookAction<K>): string => specOf(action).describe(action.params, event);
  return describe(hook.action);
}

/** One line saying what a hook does, with placeholders left as written (`hooks list`). */
export function summarizeAction(hook: CompiledHook): string {
  const summarize = <K extends HookAction['kind']>(action: HookAction<K>): string => specOf(action).summarize(action.params);
  return summarize(hook.action);
}
