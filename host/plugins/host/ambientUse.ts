import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

/**
 * Plugins run without ambient authority: no clock, no environment, no timers, no host crypto,
 * no files or network except through the picode:plugin capabilities. A plugin that reaches
 * for one of them anyway fails in a way that names nothing (QuickJS's stubbed clock executes
 * `unreachable`; `process` is simply not defined). This turns such a failure into a message
 * naming the rule and what to use instead, pointing at the line of the plugin's source when it
 * can find it.
 */

interface AmbientRule {
  /** What the plugin reached for. */
  readonly what: string;
  /** Where it shows in the source. */
  readonly source: RegExp;
  /** The failure it causes: a trap, or the JavaScript error's message. */
  readonly failure: RegExp;
  readonly instead: string;
}

const trap = /unreachable/;

const rules: readonly AmbientRule[] = [
  {
    what: 'the clock',
    source: /\bDate\.now\s*\(|\bnew\s+Date\s*\(\s*\)|\bDate\s*\(\s*\)|\bperformance\.now\s*\(/,
    failure: trap,
    instead: 'use the `time` field of each event (milliseconds since the epoch) as the current time',
  },
  {
    what: 'the environment',
    source: /\bprocess\s*\.\s*(env|argv|cwd|platform|pid)\b|\bprocess\b/,
    failure: /\bprocess is not defined\b/,
    instead: 'keep settings in its kv store (permission `kv`) or in a file it reads with the `fs-read` capability',
  },
  {
    what: 'timers',
    source: /\bset(Timeout|Interval|Immediate)\s*\(/,
    failure: /\bset(Timeout|Interval|Immediate) is not defined\b/,
    instead: 'do the work in the call: the host calls the plugin for every event, and a plugin cannot schedule work of its own',
  },
  {
    what: 'the host\'s random source',
    source: /\bcrypto\s*\.\s*(getRandomValues|randomUUID)\b/,
    failure: /\bcrypto is not defined\b/,
    instead: 'use Math.random() (seeded inside the plugin) or derive values from the event (its id and time)',
  },
];

const rule = 'plugins get no ambient authority (no clock, environment, timers, files or network): only the picode:plugin capabilities granted to them';

/**
 * The failure message with the rule it broke and what to use instead, or the message as it was
 * when it is not such a failure. `sourceFile`: the plugin's source, searched for the culprit.
 */
export function explainAmbientUse(message: string, sourceFile: string | undefined, root?: string): string {
  const candidates = rules.filter((r) => r.failure.test(message));
  if (candidates.length === 0) return message;
  const lines = readSource(sourceFile);
  for (const candidate of candidates) {
    const at = lines.findIndex((line) => candidate.source.test(line) && !/^\s*(\/\/|\*)/.test(line));
    if (at < 0) continue;
    const where = `${sourceFile && root ? relative(root, sourceFile) : sourceFile}:${at + 1}`;
    return `${message}: ${where} uses ${candidate.what} (${lines[at]!.trim().slice(0, 80)}), and ${rule}; ${candidate.instead}`;
  }
  // A trap may come from something else (a bug in the plugin): name the likely causes.
  if (candidates.every((c) => c.failure === trap)) {
    return `${message} (if the plugin uses the clock (Date.now(), new Date()): ${rule}; ${rules[0]!.instead})`;
  }
  const [first] = candidates;
  return `${message}: the plugin uses ${first!.what}, and ${rule}; ${first!.instead}`;
}

function readSource(file: string | undefined): string[] {
  if (!file) return [];
  try {
    return readFileSync(file, 'utf8').split('\n');
  } catch {
    return [];
  }
}
