/**
 * The one rule for combining verdicts on a blocking event. It is applied twice with the same
 * rule: by the hook engine over its hooks (in the order of the `hooks` list) and by the host's
 * gates over the gates' answers (in gate registration order). docs/hooks.md states it for users:
 *
 *  1. deny beats ask beats allow; a verdict with no decision does not count. When no verdict
 *     says anything at all (no decision, no update, no context) the result is undefined: the
 *     caller abstains, and the action proceeds.
 *  2. The reason is the reasons of the verdicts at the winning level, in order, joined by `; `.
 *  3. Updates (`updatedData`) apply in order: each is shallow-merged onto the result of the
 *     previous one when both are objects, otherwise it replaces it, so when two verdicts change
 *     the same key the later one wins. A denied event keeps no update: `data` is the original.
 *  4. Additional context from every verdict is joined in order, separated by a blank line.
 */
export type Decision = 'allow' | 'ask' | 'deny';

export interface Verdict {
  readonly decision?: Decision | undefined;
  readonly reason?: string | undefined;
  /** A (partial) replacement of the event's data, merged per rule 3. */
  readonly updatedData?: unknown;
  readonly additionalContext?: string | undefined;
}

export interface CombinedVerdict<TData> {
  readonly decision: Decision;
  readonly reason?: string;
  /** The combined update, present only when some verdict updated the data and it was not denied. */
  readonly updatedData?: unknown;
  readonly additionalContext?: string;
  /** The data the action proceeds with: the original with every update applied (the original on deny). */
  readonly data: TData;
}

const rank: Record<Decision, number> = { allow: 1, ask: 2, deny: 3 };

/** Combines verdicts given in the order their updates apply (see the rule above). */
export function combineVerdicts<TData>(verdicts: ReadonlyArray<Verdict | undefined>, data: TData): CombinedVerdict<TData> | undefined {
  let winner: Decision | undefined;
  let modified = false;
  const contexts: string[] = [];
  for (const v of verdicts) {
    if (v?.decision !== undefined && (winner === undefined || rank[v.decision] > rank[winner])) winner = v.decision;
    if (v?.updatedData !== undefined) modified = true;
    if (v?.additionalContext) contexts.push(v.additionalContext);
  }
  if (winner === undefined && !modified && contexts.length === 0) return undefined;

  const decision: Decision = winner ?? 'allow';
  const reasons = verdicts.filter((v) => v?.decision === decision && v.reason).map((v) => v!.reason!);
  let result: unknown = data;
  if (decision !== 'deny') {
    for (const v of verdicts) if (v?.updatedData !== undefined) result = applyUpdate(result, v.updatedData);
  }
  const kept = decision !== 'deny' && modified;
  return {
    decision,
    ...(reasons.length > 0 ? { reason: reasons.join('; ') } : {}),
    ...(kept ? { updatedData: result } : {}),
    ...(contexts.length > 0 ? { additionalContext: contexts.join('\n\n') } : {}),
    data: result as TData,
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Rule 3 for one update: shallow merge of objects, otherwise replacement. */
export function applyUpdate(current: unknown, update: unknown): unknown {
  return isObject(current) && isObject(update) ? { ...current, ...update } : update;
}
