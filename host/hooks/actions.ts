import type { PicodeEvent } from '../bus/envelope.js';
import type { HookLimits } from '../config/sections/hooks.js';
import type { CompiledHook } from './compile.js';
import { emittedType } from './compile.js';
import { hookEnv, hookInput, interpretShellResult, type RunOutcome } from './contract.js';
import { capString, type HookVerdict } from './decisions.js';
import { runShellCommand } from './shell.js';
import { ServiceUnavailable, type HookServices } from './services.js';
import { fillDeep, fillTemplate } from './template.js';

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

function result(outcome: RunOutcome, fields: Partial<ActionResult> = {}): ActionResult {
  return { outcome, verdict: undefined, reason: undefined, exitCode: null, output: '', truncated: false, ...fields };
}

function recordOutput(text: string, alreadyTruncated = false): { output: string; truncated: boolean } {
  return text.length > maxRecordedOutput
    ? { output: text.slice(0, maxRecordedOutput), truncated: true }
    : { output: text, truncated: alreadyTruncated };
}

export async function runHookAction(hook: CompiledHook, event: PicodeEvent, services: HookServices, limits: HookLimits, signal?: AbortSignal): Promise<ActionResult> {
  try {
    return await runAction(hook, event, services, limits, signal);
  } catch (error) {
    if (error instanceof ServiceUnavailable) return result('unavailable', { reason: error.message });
    return result('error', { reason: capString((error as Error)?.message ?? String(error), 2000) });
  }
}

async function runAction(hook: CompiledHook, event: PicodeEvent, services: HookServices, limits: HookLimits, signal: AbortSignal | undefined): Promise<ActionResult> {
  const config = hook.config;
  const origin = `hook:${hook.name}`;
  switch (hook.action) {
    case 'command': {
      const timeoutMs = (config.timeout ?? limits.timeout) * 1000;
      const input = JSON.stringify(hookInput(event, { cwd: services.cwd }));
      const run = await runShellCommand(config.command!, input, {
        cwd: services.cwd,
        env: hookEnv(services.env, event, services.cwd, hook.name),
        timeoutMs,
        maxOutputBytes: limits.maxOutputBytes,
        ...(signal ? { signal } : {}),
      });
      const interpreted = interpretShellResult(run, event);
      const both = run.stderr ? `${run.stdout}${run.stdout && !run.stdout.endsWith('\n') ? '\n' : ''}[stderr]\n${run.stderr}` : run.stdout;
      return result(interpreted.outcome, {
        verdict: interpreted.verdict,
        reason: interpreted.reason,
        exitCode: run.exitCode,
        ...recordOutput(both, run.truncated),
      });
    }
    case 'plugin': {
      const reply = await services.deliverToPlugin(config.plugin!, event);
      const verdict: HookVerdict = {
        decision: reply.decision,
        reason: reply.reason,
        updatedData: reply.updatedData,
        additionalContext: reply.additionalContext,
      };
      return result(reply.decision === 'deny' ? 'blocked' : 'ok', { verdict, reason: reply.reason, ...recordOutput(reply.summary) });
    }
    case 'run': {
      const run = config.run!;
      const command = fillTemplate(run.command, event, 'shell');
      const pane = fillTemplate(run.pane, event);
      const timeoutMs = (run.timeout ?? limits.runTimeout) * 1000;
      const done = await services.panes.run(pane, command, { origin, timeoutMs });
      const summary = `ran in ${pane}: ${command}\nexit ${done.exitCode ?? 'unknown'} after ${Math.round(done.durationMs)} ms\n${done.output}`;
      return result(done.interrupted ? 'timeout' : 'ok', {
        exitCode: done.exitCode,
        reason: done.interrupted ? 'the command was interrupted (pane closed or run timeout)' : undefined,
        ...recordOutput(summary),
      });
    }
    case 'send': {
      const send = config.send!;
      const pane = fillTemplate(send.pane, event);
      if (send.text !== undefined) {
        await services.panes.sendText(pane, fillTemplate(send.text, event), { enter: send.enter, origin });
      }
      if (send.keys && send.keys.length > 0) await services.panes.sendKeys(pane, send.keys, { origin });
      return result('ok', { output: `sent to ${pane}` });
    }
    case 'notify': {
      const notify = config.notify!;
      const context = notify.context ? await gather(services, fillTemplate(notify.context.pane, event), notify.context.lines, event) : undefined;
      const message = fillTemplate(notify.message, event);
      const sent = services.emit({
        type: 'notification',
        pane: event.pane,
        data: {
          level: notify.level,
          ...(notify.title ? { title: fillTemplate(notify.title, event) } : {}),
          message,
          source: origin,
          ...(context !== undefined ? { context } : {}),
        },
      });
      return result('ok', { output: `notification ${sent.id}: ${message}${context ? `\n[context]\n${context}` : ''}`.slice(0, maxRecordedOutput) });
    }
    case 'emit': {
      const emit = config.emit!;
      const type = emittedType(fillTemplate(emit.event, event));
      const sent = services.emit({ type, data: fillDeep(emit.data ?? {}, event) });
      return result('ok', { output: `emitted ${type} (${sent.id})` });
    }
    case 'ask': {
      const ask = config.ask!;
      const context = ask.context ? await gather(services, fillTemplate(ask.context.pane, event), ask.context.lines, event) : undefined;
      const question = fillTemplate(ask.prompt, event);
      const prompt = context ? `${question}\n\nContext (recent output of pane ${ask.context!.pane}):\n${context}` : question;
      const answer = await services.ask({ prompt, model: ask.model, origin });
      services.emit({ type: 'notification', pane: event.pane, data: { level: 'info', title: question.slice(0, 80), message: answer, source: origin } });
      return result('ok', recordOutput(answer));
    }
    case 'plan': {
      const plan = config.plan!;
      const context = plan.context ? await gather(services, fillTemplate(plan.context.pane, event), plan.context.lines, event) : undefined;
      const created = await services.createPlan({ task: fillTemplate(plan.task, event), context, origin });
      return result('ok', recordOutput(`plan requested: ${JSON.stringify(created) ?? ''}`));
    }
  }
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
