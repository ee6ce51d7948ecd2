import type { PluginPermission } from '../../config/sections/plugins.js';
import type { Action, ContextItem } from '../witTypes.js';
import { checkContextItem, isPluginActionKind, maxStatus, pluginActionSpecs } from './actionKinds.js';

/**
 * Checks what a plugin returned before anything acts on it. WIT types guarantee the shape
 * only as far as the canonical ABI goes; this checks the rest: JSON payloads parse, sizes
 * are bounded, event types stay in the plugin namespace, pane actions are permitted, and a
 * flood of actions is cut at `maxActions` (the excess is counted as rejected). What each kind
 * needs and how its payload is checked is its entry in actionKinds.ts.
 */

export interface Rejection {
  readonly tag: string;
  readonly reason: string;
}

export interface CheckedActions {
  readonly actions: Action[];
  readonly rejected: Rejection[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
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
    if (!isPluginActionKind(item.tag)) {
      rejected.push({ tag: item.tag, reason: `unknown action ${JSON.stringify(item.tag)}` });
      continue;
    }
    const why = pluginActionSpecs[item.tag].check(item.val);
    if (why) {
      rejected.push({ tag: item.tag, reason: why });
      continue;
    }
    const permission = pluginActionSpecs[item.tag].needs;
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
