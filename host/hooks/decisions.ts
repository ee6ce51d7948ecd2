import type { GateDecision } from '../api/hostApi.js';
import { combineVerdicts as combineInOrder, type Decision, type Verdict as AnyVerdict } from '../bus/verdicts.js';

/**
 * Combining what several hooks decided about one blocking event. All matching hooks run in
 * parallel and each sees the ORIGINAL payload; their answers are combined by the one verdict
 * rule (host/bus/verdicts.ts, stated in docs/hooks.md), in hook order (the order of the
 * `hooks` list). What is particular to hooks: each reason is prefixed with the hook's name,
 * and strings a hook returns are capped like Claude Code caps them.
 */
export type Verdict = Decision;

/** What one hook answered. */
export type HookVerdict = AnyVerdict;

export interface RankedVerdict {
  readonly hook: string;
  /** Position of the hook in the config list: the order modifications apply in. */
  readonly order: number;
  readonly verdict: HookVerdict | undefined;
}

/** Claude Code caps strings a hook returns at 10,000 characters; so does picode. */
export const maxHookString = 10_000;

export function capString(text: string, max: number = maxHookString): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function combineVerdicts<TData>(verdicts: readonly RankedVerdict[], data: TData): (GateDecision & { readonly data: TData }) | undefined {
  const ordered = [...verdicts].sort((a, b) => a.order - b.order);
  return combineInOrder(ordered.map(({ hook, verdict }) => verdict && {
    ...verdict,
    reason: verdict.reason ? `${hook}: ${capString(verdict.reason)}` : undefined,
    additionalContext: verdict.additionalContext ? capString(verdict.additionalContext) : undefined,
  }), data);
}
