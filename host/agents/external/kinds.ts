import { PicodeError } from '../../core/errors.js';

/**
 * The coding-agent CLIs picode knows how to run in a pane, and how each is wired. A kind
 * with `hooks` reports its own status through its hook mechanism for that run only; the
 * others (and any `--with 'CMD ARGS'`) get statuses inferred from the pane.
 */
export type ExternalKind = 'claude' | 'codex' | 'gemini' | 'opencode' | 'aider' | 'command';

export interface KindSpec {
  readonly kind: ExternalKind;
  /** The executable looked up on PATH. */
  readonly binary: string;
  /** What to run when it is missing. */
  readonly install: string;
  /** Whether picode wires the agent's own hooks (statuses with source `hooks`). */
  readonly hooks: boolean;
  /** How to hand it the first prompt and a model. */
  readonly promptArgs: (task: string) => string[];
  readonly modelArgs: (model: string) => string[];
  /** Keys that interrupt it the way its own CLI expects (`picode agent stop`). */
  readonly stopKeys: readonly string[];
}

const positional = (task: string): string[] => (task ? [task] : []);

export const kindSpecs: Readonly<Record<Exclude<ExternalKind, 'command'>, KindSpec>> = {
  claude: {
    kind: 'claude', binary: 'claude', install: 'npm install -g @anthropic-ai/claude-code', hooks: true,
    promptArgs: positional, modelArgs: (m) => ['--model', m], stopKeys: ['Escape'],
  },
  codex: {
    kind: 'codex', binary: 'codex', install: 'npm install -g @openai/codex', hooks: true,
    promptArgs: positional, modelArgs: (m) => ['--model', m], stopKeys: ['Escape'],
  },
  gemini: {
    kind: 'gemini', binary: 'gemini', install: 'npm install -g @google/gemini-cli', hooks: false,
    promptArgs: (t) => (t ? ['--prompt-interactive', t] : []), modelArgs: (m) => ['--model', m], stopKeys: ['Escape'],
  },
  opencode: {
    kind: 'opencode', binary: 'opencode', install: 'npm install -g opencode-ai', hooks: false,
    promptArgs: (t) => (t ? ['--prompt', t] : []), modelArgs: (m) => ['--model', m], stopKeys: ['Escape'],
  },
  aider: {
    kind: 'aider', binary: 'aider', install: 'python -m pip install aider-install && aider-install', hooks: false,
    promptArgs: (t) => (t ? ['--message', t] : []), modelArgs: (m) => ['--model', m], stopKeys: ['C-c'],
  },
};

export const knownKinds = Object.keys(kindSpecs) as Array<keyof typeof kindSpecs>;

export interface AgentCommand {
  readonly kind: ExternalKind;
  /** argv[0] and the words given with it (`--with 'CMD ARGS'`). */
  readonly command: readonly string[];
}

/**
 * Reads `--with`: a known kind, or a command line (words split like a shell does for plain
 * words and quotes). One bare word that is neither a known kind nor a path is refused with
 * the known kinds named, because it is far more often a typo than an agent called `cluade`.
 */
export function parseWith(value: string): AgentCommand {
  const trimmed = value.trim();
  if ((knownKinds as string[]).includes(trimmed)) return { kind: trimmed as ExternalKind, command: [kindSpecs[trimmed as keyof typeof kindSpecs].binary] };
  const words = splitWords(trimmed);
  if (words.length === 0) throw new PicodeError('--with: expected an agent kind or a command', { hint: `known kinds: ${knownKinds.join(', ')}; or --with 'CMD ARGS'` });
  if (words.length === 1 && !words[0]!.includes('/')) {
    throw new PicodeError(`--with: unknown agent kind "${trimmed}"`, {
      hint: `known kinds: ${knownKinds.join(', ')}; to run another CLI agent give its command with arguments (--with '${trimmed} --flag') or a path (--with ./${trimmed})`,
    });
  }
  return { kind: 'command', command: words };
}

function splitWords(line: string): string[] {
  const words: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  for (const m of line.matchAll(re)) words.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : (m[2] ?? m[3]!));
  return words;
}
