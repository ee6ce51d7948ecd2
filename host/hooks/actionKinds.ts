import type { PicodeEvent } from '../bus/envelope.js';
import type { HookAction, HookActionKind, HookActionParams, HookLimits } from '../config/sections/hooks.js';
import { hookEnv, hookInput, interpretShellResult, type RunOutcome } from './contract.js';
import { capString, type HookVerdict } from './decisions.js';
import { runShellCommand } from './shell.js';
import type { HookServices, PluginReply } from './services.js';
import { fillDeep, fillTemplate } from './template.js';

/**
 * Every kind of hook action, one entry each: whether it may run on a blocking event, what it
 * needs, how it runs (and dry-runs), how it is described. The schema of each kind is in
 * host/config/sections/hooks.ts (`hookActionSchemas`); a kind added there and not here fails
 * to compile. Adding a kind = one schema + one entry below.
 */

/** What one hook run produced: the row of `hook_runs` and, for blocking events, the verdict. */
export interface ActionResult {
  readonly outcome: RunOutcome;
  readonly verdict: HookVerdict | undefined;
  readonly reason: string | undefined;
  readonly exitCode: number | null;
  readonly output: string;
  readonly truncated: boolean;
}

/** Output kept per run in `hook_runs`. */
export const maxRecordedOutput = 10_000;

export function actionResult(outcome: RunOutcome, fields: Partial<ActionResult> = {}): ActionResult {
  return { outcome, verdict: undefined, reason: undefined, exitCode: null, output: '', truncated: false, ...fields };
}

function recordOutput(text: string, alreadyTruncated = false): { output: string; truncated: boolean } {
  return text.length > maxRecordedOutput
    ? { output: text.slice(0, maxRecordedOutput), truncated: true }
    : { output: text, truncated: alreadyTruncated };
}

/** What a run of one hook has to work with. */
export interface ActionContext {
  readonly event: PicodeEvent;
  readonly services: HookServices;
  readonly limits: HookLimits;
  /** The hook's name (`hook:NAME` is the origin of what it causes). */
  readonly hook: string;
  /** The hook's own `timeout` in seconds, when set. */
  readonly timeout: number | undefined;
  readonly signal: AbortSignal | undefined;
}

export interface ActionSpec<K extends HookActionKind> {
  /**
   * On a blocking event: `decides` = runs, is waited for and its verdict counts; `notifies` =
   * runs without being waited for; `refused` = a config error (a pane action there would pass
   * through the same gate again, or stall it).
   */
  readonly onBlocking: 'decides' | 'notifies' | 'refused';
  /** The services it uses (one that is missing makes the run `unavailable`). */
  readonly needs: ReadonlyArray<Exclude<keyof HookServices, 'session' | 'log'>>;
  /** Runs a process: on non-blocking events it takes a slot of the shared process pool. */
  readonly pooled: boolean;
  /** Event types it emits itself: a hook listening to one of them would trigger itself forever. */
  emits(params: HookActionParams[K]): string[];
  run(params: HookActionParams[K], ctx: ActionContext): Promise<ActionResult>;
  /**
   * Dry run (`hooks test`): the run whose result IS a decision, without side effects; absent
   * (or undefined returned) = the action is only described.
   */
  dryRun?(params: HookActionParams[K], ctx: ActionContext): Promise<ActionResult> | undefined;
  /** What it would do for this event (placeholders filled). */
  describe(params: HookActionParams[K], event: PicodeEvent): string;
  /** One line saying what it does, placeholders left as written (`hooks list`). */
  summarize(params: HookActionParams[K]): string;
}

/** The type an `emit` action puts on the bus: user events only, so a hook cannot forge host events. */
export function emittedType(name: string): `user.${string}` {
  return name.startsWith('user.') ? name as `user.${string}` : `user.${name}`;
}

const pluginResult = (reply: PluginReply): ActionResult => {
  const verdict: HookVerdict = {
    decision: reply.decision,
    reason: reply.reason,
    updatedData: reply.updatedData,
    additionalContext: reply.additionalContext,
  };
  return actionResult(reply.decision === 'deny' ? 'blocked' : 'ok', { verdict, reason: reply.reason, ...recordOutput(reply.summary) });
};

const sendText = (send: HookActionParams['send'], fill: (text: string) => string): string =>
  `${send.text !== undefined ? JSON.stringify(fill(send.text)) : ''}${send.keys ? ` keys ${send.keys.join(' ')}` : ''}`;

export const hookActionSpecs: { readonly [K in HookActionKind]: ActionSpec<K> } = {
  command: {
    onBlocking: 'decides',
    needs: ['cwd', 'env'],
    pooled: true,
    emits: () => [],
    async run(command, { event, services, limits, hook, timeout, signal }) {
      const input = JSON.stringify(hookInput(event, { cwd: services.cwd }));
      const run = await runShellCommand(command, input, {
        cwd: services.cwd,
        env: hookEnv(services.env, event, services.cwd, hook),
        timeoutMs: (timeout ?? limits.timeout) * 1000,
        maxOutputBytes: limits.maxOutputBytes,
        ...(signal ? { signal } : {}),
      });
      const interpreted = interpretShellResult(run, event);
      const both = run.stderr ? `${run.stdout}${run.stdout && !run.stdout.endsWith('\n') ? '\n' : ''}[stderr]\n${run.stderr}` : run.stdout;
      return actionResult(interpreted.outcome, {
        verdict: interpreted.verdict,
        reason: interpreted.reason,
        exitCode: run.exitCode,
        ...recordOutput(both, run.truncated),
      });
    },
    // A shell hook's exit code and output ARE its decision: a dry run runs it for real.
    dryRun(command, ctx) { return this.run(command, { ...ctx, signal: undefined }); },
    describe: (command) => `run shell hook: ${command}`,
    summarize: (command) => command,
  },
  plugin: {
    onBlocking: 'decides',
    needs: ['deliverToPlugin'],
    pooled: false,
    emits: () => [],
    run: async (plugin, { event, services }) => pluginResult(await services.deliverToPlugin(plugin, event)),
    // In the host the runtime answers without its actions applied; elsewhere it is only described.
    dryRun: (plugin, { event, services }) => services.dryRunPlugin?.(plugin, event).then(pluginResult),
    describe: (plugin) => `deliver the event to plugin ${plugin}`,
    summarize: (plugin) => `plugin ${plugin}`,
  },
  run: {
    onBlocking: 'refused',
    needs: ['panes'],
    pooled: false,
    emits: () => [],
    async run(run, { event, services, limits, hook }) {
      const command = fillTemplate(run.command, event, 'shell');
      const pane = fillTemplate(run.pane, event);
      const timeoutMs = (run.timeout ?? limits.runTimeout) * 1000;
      const done = await services.panes.run(pane, command, { origin: `hook:${hook}`, timeoutMs });
      const summary = `ran in ${pane}: ${command}\nexit ${done.exitCode ?? 'unknown'} after ${Math.round(done.durationMs)} ms\n${done.output}`;
      return actionResult(done.interrupted ? 'timeout' : 'ok', {
        exitCode: done.exitCode,
        reason: done.interrupted ? 'the command was interrupted (pane closed or run timeout)' : undefined,
        ...recordOutput(summary),
      });
    },
    describe: (run, event) => `run \`${fillTemplate(run.command, event, 'shell')}\` in pane ${fillTemplate(run.pane, event)}`,
    summarize: (run) => `in ${run.pane}: ${run.command}`,
  },
  send: {
    onBlocking: 'refused',
    needs: ['panes'],
    pooled: false,
    emits: () => [],
    async run(send, { event, services, hook }) {
      const pane = fillTemplate(send.pane, event);
      const origin = `hook:${hook}`;
      if (send.text !== undefined) {
        await services.panes.sendText(pane, fillTemplate(send.text, event), { enter: send.enter, origin });
      }
      if (send.keys && send.keys.length > 0) await services.panes.sendKeys(pane, send.keys, { origin });
      return actionResult('ok', { output: `sent to ${pane}` });
    },
    describe: (send, event) => `send ${sendText(send, (t) => fillTemplate(t, event))} to pane ${fillTemplate(send.pane, event)}`,
    summarize: (send) => `to ${send.pane}: ${sendText(send, (t) => t)}`,
  },
  notify: {
    onBlocking: 'notifies',
    needs: ['emit', 'panes'],
    pooled: false,
    emits: () => ['notification'],
    async run(notify, { event, services, hook }) {
      const context = notify.context ? await gather(services, fillTemplate(notify.context.pane, event), notify.context.lines, event) : undefined;
      const message = fillTemplate(notify.message, event);
      const sent = services.emit({
        type: 'notification',
        pane: event.pane,
        data: {
          level: notify.level,
          ...(notify.title ? { title: fillTemplate(notify.title, event) } : {}),
          message,
          source: `hook:${hook}`,
          ...(context !== undefined ? { context } : {}),
        },
      });
      return actionResult('ok', { output: `notification ${sent.id}: ${message}${context ? `\n[context]\n${context}` : ''}`.slice(0, maxRecordedOutput) });
    },
    describe: (notify, event) => `notify (${notify.level}): ${fillTemplate(notify.message, event)}${notify.context ? ` with the last ${notify.context.lines} lines of pane ${notify.context.pane}` : ''}`,
    summarize: (notify) => `${notify.level}: ${notify.message}`,
  },
  emit: {
    onBlocking: 'notifies',
    needs: ['emit'],
    pooled: false,
    emits: (emit) => [emittedType(emit.event)],
    async run(emit, { event, services }) {
      const type = emittedType(fillTemplate(emit.event, event));
      const sent = services.emit({ type, data: fillDeep(emit.data ?? {}, event) });
      return actionResult('ok', { output: `emitted ${type} (${sent.id})` });
    },
    describe: (emit, event) => `emit ${emittedType(fillTemplate(emit.event, event))}`,
    summarize: (emit) => emittedType(emit.event),
  },
  ask: {
    onBlocking: 'refused',
    needs: ['ask', 'emit', 'panes'],
    pooled: false,
    emits: () => ['notification'],
    async run(ask, { event, services, hook }) {
      const origin = `hook:${hook}`;
      const context = ask.context ? await gather(services, fillTemplate(ask.context.pane, event), ask.context.lines, event) : undefined;
      const question = fillTemplate(ask.prompt, event);
      const prompt = context && ask.context ? `${question}\n\nContext (recent output of pane ${ask.context.pane}):\n${context}` : question;
      const answer = await services.ask({ prompt, model: ask.model, origin });
      services.emit({ type: 'notification', pane: event.pane, data: { level: 'info', title: question.slice(0, 80), message: answer, source: origin } });
      return actionResult('ok', recordOutput(answer));
    },
    describe: (ask, event) => `ask the model: ${fillTemplate(ask.prompt, event)}`,
    summarize: (ask) => ask.prompt,
  },
  plan: {
    onBlocking: 'refused',
    needs: ['createPlan', 'panes'],
    pooled: false,
    emits: () => [],
    async run(plan, { event, services, hook }) {
      const context = plan.context ? await gather(services, fillTemplate(plan.context.pane, event), plan.context.lines, event) : undefined;
      const created = await services.createPlan({ task: fillTemplate(plan.task, event), context, origin: `hook:${hook}` });
      return actionResult('ok', recordOutput(`plan requested: ${JSON.stringify(created) ?? ''}`));
    },
    describe: (plan, event) => `ask the planner (plan.create): ${fillTemplate(plan.task, event)}`,
    summarize: (plan) => plan.task,
  },
};

/** The entry of an action's kind, typed for that kind's settings. */
export function specOf<K extends HookActionKind>(action: HookAction<K>): ActionSpec<K> {
  return hookActionSpecs[action.kind];
}

/**
 * The last `lines` lines of a pane's output, capped like every hook string. When the event is
 * a `command.finished` of that same pane, its `outputTail` is the command's own output (exact,
 * and free of what the pane printed since), so it is used instead of a capture.
 */
async function gather(services: HookServices, pane: string, lines: number, event: PicodeEvent): Promise<string> {
  const tail = (event.data as { outputTail?: unknown } | null)?.outputTail;
  const text = typeof tail === 'string' && (pane === event.paneName || pane === event.pane)
    ? tail
    : await services.panes.capture(pane, { lines });
  const all = text.replace(/\s+$/, '').split('\n');
  return capString(all.slice(-lines).join('\n'));
}
