import type { GateDecision } from '../daemon/api.js';

/**
 * Combining what several hooks decided about one blocking event. All matching hooks run in
 * parallel and each sees the ORIGINAL payload; their answers are combined here:
 *
 *  - deny beats ask beats allow; hooks with no opinion do not count. With no opinion at all
 *    the result is undefined (the gate abstains and the action proceeds).
 *  - the reason is the reasons of the hooks at the winning level, in hook order, each
 *    prefixed with the hook's name.
 *  - modifications (`updatedData`) apply in hook order (the order of the `hooks` list): each
 *    is shallow-merged onto the result of the previous one when both are objects, otherwise
 *    it replaces it; so when two hooks change the same key the later-listed one wins. A
 *    denied event keeps no modification.
 *  - additional context from every hook is joined in hook order, separated by a blank line.
 */
export type Verdict = 'allow' | 'ask' | 'deny';

export interface HookVerdict {
  readonly decision?: Verdict | undefined;
  readonly reason?: string | undefined;
  readonly updatedData?: unknown;
  readonly additionalContext?: string | undefined;
}

export interface RankedVerdict {
  readonly hook: string;
  /** Position of the hook in the config list: the order modifications apply in. */
  readonly order: number;
  readonly verdict: HookVerdict | undefined;
}

const rank: Record<Verdict, number> = { allow: 1, ask: 2, deny: 3 };

/** Claude Code caps strings a hook returns at 10,000 characters; so does picode. */
export const maxHookString = 10_000;

export function capString(text: string, max: number = maxHookString): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function combineVerdicts<TData>(verdicts: readonly RankedVerdict[], data: TData): (GateDecision & { readonly data: TData }) | undefined {
  const ordered = [...verdicts].sort((a, b) => a.order - b.order);
  let winner: Verdict | undefined;
  for (const v of ordered) {
    const d = v.verdict?.decision;
    if (d !== undefined && (winner === undefined || rank[d] > rank[winner])) winner = d;
  }
  const contexts = ordered
    .map((v) => v.verdict?.additionalContext)
    .filter((c): c is string => typeof c === 'string' && c.length > 0)
    .map((c) => capString(c));
  const modified = ordered.some((v) => v.verdict?.updatedData !== undefined);
  if (winner === undefined && contexts.length === 0 && !modified) return undefined;

  const decision: Verdict = winner ?? 'allow';
  const reasons = ordered
    .filter((v) => v.verdict?.decision === decision && v.verdict.reason)
    .map((v) => `${v.hook}: ${capString(v.verdict!.reason!)}`);

  let result: unknown = data;
  if (decision !== 'deny') {
    for (const v of ordered) {
      const update = v.verdict?.updatedData;
      if (update !== undefined) result = applyUpdate(result, update);
    }
  }
  return {
    decision,
    ...(reasons.length > 0 ? { reason: reasons.join('; ') } : {}),
    ...(decision !== 'deny' && modified ? { updatedData: result } : {}),
    ...(contexts.length > 0 ? { additionalContext: contexts.join('\n\n') } : {}),
    data: result as TData,
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function applyUpdate(current: unknown, update: unknown): unknown {
  return isObject(current) && isObject(update) ? { ...current, ...update } : update;
}
