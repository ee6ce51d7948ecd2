/**
 * The approval policy: for each tool, whether a call runs (`allow`), waits for a person
 * (`ask`) or is refused (`deny`). Rules are matched by tool name, exact first, then the
 * longest prefix pattern ending in `*` (`plugin.*`), then the default.
 *
 * An answer of "always" to an `ask` turns that tool into `allow` for the rest of the run
 * (never across runs: a new run starts from the configured policy).
 */
export type ToolDecision = 'allow' | 'ask' | 'deny';

export interface ApprovalPolicy {
  readonly default: ToolDecision;
  readonly tools: Readonly<Record<string, ToolDecision>>;
}

export type ApprovalAnswer = 'yes' | 'no' | 'always';

export function decisionFor(policy: ApprovalPolicy, tool: string): ToolDecision {
  const exact = policy.tools[tool];
  if (exact) return exact;
  let best: { length: number; decision: ToolDecision } | undefined;
  for (const [pattern, decision] of Object.entries(policy.tools)) {
    if (!pattern.endsWith('*')) continue;
    const prefix = pattern.slice(0, -1);
    if (tool.startsWith(prefix) && (!best || prefix.length > best.length)) best = { length: prefix.length, decision };
  }
  return best?.decision ?? policy.default;
}

/** The policy of one run, with the tools the person allowed "always" during it. */
export class RunApprovals {
  private readonly always = new Set<string>();

  constructor(private readonly policy: ApprovalPolicy) {}

  decide(tool: string): ToolDecision {
    const decision = decisionFor(this.policy, tool);
    if (decision === 'ask' && this.always.has(tool)) return 'allow';
    return decision;
  }

  remember(tool: string, answer: ApprovalAnswer): void {
    if (answer === 'always') this.always.add(tool);
  }

  /** Tools allowed "always" so far (persisted with the run so a resumed run keeps them). */
  allowedAlways(): string[] {
    return [...this.always];
  }

  restore(tools: Iterable<string>): void {
    for (const t of tools) this.always.add(t);
  }
}

/** Combines two decisions the way gates are combined: deny beats ask beats allow. */
export function strictest(a: ToolDecision, b: ToolDecision): ToolDecision {
  if (a === 'deny' || b === 'deny') return 'deny';
  if (a === 'ask' || b === 'ask') return 'ask';
  return 'allow';
}
