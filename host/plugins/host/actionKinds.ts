import type { PluginPermission } from '../../config/sections/plugins.js';
import type { EventInput, GateDecision, PanesApi } from '../../api/hostApi.js';
import type { PicodeEvent } from '../../bus/envelope.js';
import { isEventType } from '../../bus/catalog/index.js';
import type { Action, ContextItem, Level, WitGateDecision } from '../witTypes.js';

/**
 * Every kind of action a plugin can return (the `action` variant of plugins/wit/plugin.wit),
 * one entry each: the permission it needs, how its payload is checked, how the runtime applies
 * it and how `plugin test` shows it. A case added to the WIT and not here fails to compile.
 */

export type PluginActionKind = Action['tag'];
export type PluginActionPayload<K extends PluginActionKind> = Extract<Action, { tag: K }>['val'];

/** What applying an action can touch: the plugin's own state in the runtime, and the host. */
export interface PluginActionContext {
  readonly plugin: string;
  /** `plugin:NAME`: the origin of what the action causes. */
  readonly origin: string;
  /** True while deciding a blocking event the plugin gates (the only place `decide` counts). */
  readonly gate: boolean;
  readonly panes: Pick<PanesApi, 'resolve' | 'sendText' | 'sendKeys' | 'run'> | undefined;
  emit(event: EventInput): PicodeEvent | undefined;
  notify(level: Level, title: string, body: string): void;
  addContext(item: ContextItem): void;
  setStatus(text: string): void;
  /** A pane action failed after it was started: logged to the plugin's log. */
  failed(what: string): (error: unknown) => void;
}

export interface PluginActionSpec<K extends PluginActionKind> {
  /** The permission a plugin needs for it (checked before it is applied). */
  readonly needs: PluginPermission | undefined;
  /** Why the payload is refused (sizes, JSON, namespaces), or undefined when it is fine. */
  check(val: Record<string, unknown>): string | undefined;
  /** Applies it; a `decide` returns the plugin's verdict. Throws when it cannot be applied. */
  apply(val: PluginActionPayload<K>, ctx: PluginActionContext): GateDecision | undefined;
  /** One line for `plugin test`. */
  describe(val: PluginActionPayload<K>): string;
}

const maxText = 64 * 1024;
const maxData = 256 * 1024;
const customType = /^((plugin|user)\.[a-z0-9][a-z0-9._-]{0,100}|diagnostic)$/;
/** Longest status line kept (the rest is cut). */
export const maxStatus = 200;

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function text(v: Record<string, unknown>, key: string, max = maxText): string | undefined {
  return typeof v[key] !== 'string' ? `${key} is not text` : (v[key] as string).length > max ? `${key} is longer than ${max} characters` : undefined;
}

export function checkContextItem(v: Record<string, unknown>): string | undefined {
  for (const key of ['source', 'title', 'content'] as const) {
    if (typeof v[key] !== 'string') return `context item ${key} is not text`;
  }
  if ((v.content as string).length > 1 << 20) return 'context item larger than 1 MiB';
  if (typeof v.priority !== 'number' || v.priority < 0 || v.priority > 255) return 'context item priority must be 0-255';
  return undefined;
}

function paneOf(ctx: PluginActionContext, name: string): { panes: NonNullable<PluginActionContext['panes']>; id: string } {
  const pane = ctx.panes?.resolve(name);
  if (!ctx.panes || !pane) throw new Error(`unknown pane ${name}`);
  return { panes: ctx.panes, id: pane.id };
}

export const pluginActionSpecs: { readonly [K in PluginActionKind]: PluginActionSpec<K> } = {
  notify: {
    needs: 'notify',
    check: (v) => text(v, 'title', 200) ?? text(v, 'body'),
    apply: (v, ctx) => { ctx.notify(v.level, v.title, v.body); return undefined; },
    describe: (v) => `notify [${v.level}] ${v.title}${v.body ? ` - ${v.body}` : ''}`,
  },
  'send-text': {
    needs: 'panes-write',
    check: (v) => text(v, 'pane', 100) ?? text(v, 'text'),
    apply(v, ctx) {
      const { panes, id } = paneOf(ctx, v.pane);
      panes.sendText(id, v.text, { enter: v.enter, origin: ctx.origin }).catch(ctx.failed('send-text'));
      return undefined;
    },
    describe: (v) => `send-text ${v.pane}: ${JSON.stringify(v.text)}${v.enter ? ' + Enter' : ''}`,
  },
  'send-keys': {
    needs: 'panes-write',
    check: (v) => text(v, 'pane', 100) ?? (!Array.isArray(v.keys) || v.keys.length > 256 || !v.keys.every((k) => typeof k === 'string' && k.length <= 32)
      ? 'keys must be at most 256 key names' : undefined),
    apply(v, ctx) {
      const { panes, id } = paneOf(ctx, v.pane);
      panes.sendKeys(id, v.keys, { origin: ctx.origin }).catch(ctx.failed('send-keys'));
      return undefined;
    },
    describe: (v) => `send-keys ${v.pane}: ${v.keys.join(' ')}`,
  },
  run: {
    needs: 'panes-write',
    check: (v) => text(v, 'pane', 100) ?? text(v, 'command', 4096),
    apply(v, ctx) {
      const { panes, id } = paneOf(ctx, v.pane);
      panes.run(id, v.command, { origin: ctx.origin }).catch(ctx.failed('run'));
      return undefined;
    },
    describe: (v) => `run ${v.pane}: ${v.command}`,
  },
  emit: {
    needs: undefined,
    check(v) {
      const bad = text(v, 'type', 120) ?? text(v, 'data', maxData);
      if (bad) return bad;
      if (!customType.test(v.type as string)) return `event type ${JSON.stringify(v.type)} is not allowed: plugins emit "diagnostic", "plugin.*" or "user.*" events`;
      return parses(v.data as string) ? undefined : 'data is not valid JSON';
    },
    apply(v, ctx) {
      const parsed = JSON.parse(v.data) as unknown;
      const tagged = v.type.startsWith('plugin.') && parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) && !('plugin' in parsed);
      const data = tagged ? { plugin: ctx.plugin, ...(parsed as object) } : parsed;
      // check let only catalog types through (diagnostic, plugin.*, user.*).
      if (isEventType(v.type)) ctx.emit({ type: v.type, pane: v.pane, data } as EventInput);
      return undefined;
    },
    describe: (v) => `emit ${v.type}${v.pane ? ` (${v.pane})` : ''}: ${v.data}`,
  },
  'add-context': {
    needs: undefined,
    check: checkContextItem,
    apply: (v, ctx) => { ctx.addContext(v); return undefined; },
    describe: (v) => `add-context ${v.source}: ${v.title} (${v.content.length} chars)`,
  },
  'set-status': {
    needs: undefined,
    // The payload is text, checked (and cut at maxStatus) by checkActions.
    check: () => undefined,
    apply: (v, ctx) => { ctx.setStatus(v); return undefined; },
    describe: (v) => `set-status ${JSON.stringify(v)}`,
  },
  decide: {
    needs: undefined,
    check(v) {
      const d = v as unknown as WitGateDecision;
      if (!['allow', 'ask', 'deny'].includes(d.verdict)) return 'verdict must be allow, ask or deny';
      if (d.updatedData !== undefined && (typeof d.updatedData !== 'string' || d.updatedData.length > 4 * maxData || !parses(d.updatedData))) {
        return 'updated-data is not valid JSON';
      }
      return undefined;
    },
    apply(d, ctx) {
      if (!ctx.gate) throw new Error('decide outside a gate (list the event type in describe().gates)');
      return {
        decision: d.verdict,
        ...(d.reason !== undefined ? { reason: d.reason } : {}),
        ...(d.updatedData !== undefined ? { updatedData: JSON.parse(d.updatedData) as unknown } : {}),
        ...(d.additionalContext !== undefined ? { additionalContext: d.additionalContext } : {}),
      };
    },
    describe: (v) => `decide ${v.verdict}${v.reason ? `: ${v.reason}` : ''}${v.updatedData ? ` (payload replaced)` : ''}`,
  },
};

export function isPluginActionKind(tag: string): tag is PluginActionKind {
  return Object.hasOwn(pluginActionSpecs, tag);
}

/** Applies a checked action through the entry of its kind. */
export function applyPluginAction<K extends PluginActionKind>(action: Extract<Action, { tag: K }>, ctx: PluginActionContext): GateDecision | undefined {
  const spec: PluginActionSpec<K> = pluginActionSpecs[action.tag as K];
  return spec.apply(action.val as PluginActionPayload<K>, ctx);
}

/** One line saying what a checked action does (`plugin test`). */
export function describePluginAction<K extends PluginActionKind>(action: Extract<Action, { tag: K }>): string {
  const spec: PluginActionSpec<K> = pluginActionSpecs[action.tag as K];
  return spec.describe(action.val as PluginActionPayload<K>);
}
