import type { PluginPermission } from '../config/sections/plugins.js';
import type { Action, ContextItem, WitGateDecision } from './witTypes.js';

/**
 * Checks what a plugin returned before anything acts on it. WIT types guarantee the shape
 * only as far as the canonical ABI goes; this checks the rest: JSON payloads parse, sizes
 * are bounded, event types stay in the plugin namespace, pane actions are permitted, and a
 * flood of actions is cut at `maxActions` (the excess is counted as rejected).
 */

export interface Rejection {
  readonly tag: string;
  readonly reason: string;
}

export interface CheckedActions {
  readonly actions: Action[];
  readonly rejected: Rejection[];
}

const maxText = 64 * 1024;
const maxData = 256 * 1024;
const maxStatus = 200;
const customType = /^((plugin|user)\.[a-z0-9][a-z0-9._-]{0,100}|diagnostic)$/;
const needs: Partial<Record<Action['tag'], PluginPermission>> = {
  'send-text': 'panes-write',
  'send-keys': 'panes-write',
  run: 'panes-write',
  notify: 'notify',
};

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function problem(action: Record<string, unknown>): string | undefined {
  const v = action.val as Record<string, unknown>;
  const text = (key: string, max = maxText): string | undefined =>
    typeof v[key] !== 'string' ? `${key} is not text` : (v[key] as string).length > max ? `${key} is longer than ${max} characters` : undefined;
  switch (action.tag) {
    case 'notify': return text('title', 200) ?? text('body');
    case 'send-text': return text('pane', 100) ?? text('text');
    case 'send-keys':
      return text('pane', 100) ?? (!Array.isArray(v.keys) || v.keys.length > 256 || !v.keys.every((k) => typeof k === 'string' && k.length <= 32)
        ? 'keys must be at most 256 key names' : undefined);
    case 'run': return text('pane', 100) ?? text('command', 4096);
    case 'emit': {
      const bad = text('type', 120) ?? text('data', maxData);
      if (bad) return bad;
      if (!customType.test(v.type as string)) return `event type ${JSON.stringify(v.type)} is not allowed: plugins emit "diagnostic", "plugin.*" or "user.*" events`;
      return parses(v.data as string) ? undefined : 'data is not valid JSON';
    }
    case 'add-context': return checkContextItem(v);
    case 'decide': {
      const d = v as unknown as WitGateDecision;
      if (!['allow', 'ask', 'deny'].includes(d.verdict)) return 'verdict must be allow, ask or deny';
      if (d.updatedData !== undefined && (typeof d.updatedData !== 'string' || d.updatedData.length > 4 * maxData || !parses(d.updatedData))) {
        return 'updated-data is not valid JSON';
      }
      return undefined;
    }
    default: return `unknown action ${JSON.stringify(action.tag)}`;
  }
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

export function checkContextItem(v: Record<string, unknown>): string | undefined {
  for (const key of ['source', 'title', 'content'] as const) {
    if (typeof v[key] !== 'string') return `context item ${key} is not text`;
  }
  if ((v.content as string).length > 1 << 20) return 'context item larger than 1 MiB';
  if (typeof v.priority !== 'number' || v.priority < 0 || v.priority > 255) return 'context item priority must be 0-255';
  return undefined;
}

export function checkActions(raw: unknown, grants: ReadonlySet<PluginPermission>, maxActions: number): CheckedActions {
  if (!Array.isArray(raw)) return { actions: [], rejected: [{ tag: '(result)', reason: 'on-event did not return a list of actions' }] };
  const actions: Action[] = [];
  const rejected: Rejection[] = [];
  for (const item of raw) {
    if (!isObject(item) || typeof item.tag !== 'string') {
      rejected.push({ tag: '(malformed)', reason: 'not an action' });
      continue;
    }
    if (actions.length >= maxActions) {
      rejected.push({ tag: item.tag, reason: `more than ${maxActions} actions in one call` });
      continue;
    }
    if (item.tag === 'set-status') {
      if (typeof item.val !== 'string') rejected.push({ tag: item.tag, reason: 'status is not text' });
      else actions.push({ tag: 'set-status', val: item.val.slice(0, maxStatus) });
      continue;
    }
    if (!isObject(item.val)) {
      rejected.push({ tag: item.tag, reason: 'missing payload' });
      continue;
    }
    const why = problem(item);
    if (why) {
      rejected.push({ tag: item.tag, reason: why });
      continue;
    }
    const permission = needs[item.tag as Action['tag']];
    if (permission && !grants.has(permission)) {
      rejected.push({ tag: item.tag, reason: `needs permission ${permission}` });
      continue;
    }
    actions.push(item as unknown as Action);
  }
  return { actions, rejected };
}

/** Context items from gather-context, checked and trimmed to the token budget (4 chars/token). */
export function checkContextItems(raw: unknown, plugin: string, tokenBudget: number): { items: ContextItem[]; rejected: number } {
  if (!Array.isArray(raw)) return { items: [], rejected: 1 };
  let rejected = 0;
  const valid: ContextItem[] = [];
  for (const item of raw) {
    if (isObject(item) && checkContextItem(item) === undefined) valid.push(item as unknown as ContextItem);
    else rejected++;
  }
  valid.sort((a, b) => b.priority - a.priority);
  let chars = Math.max(0, tokenBudget) * 4;
  const items: ContextItem[] = [];
  for (const item of valid) {
    if (chars <= 0) break;
    const content = item.content.length > chars ? `${item.content.slice(0, Math.max(0, chars - 20))}\n[... trimmed]` : item.content;
    chars -= content.length;
    items.push({ ...item, source: item.source.startsWith(`${plugin}:`) || item.source === plugin ? item.source : `${plugin}:${item.source}`, content });
  }
  return { items, rejected };
}
