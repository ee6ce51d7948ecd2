import type { PicodeEvent } from '../bus/envelope.js';
import { PicodeError } from '../core/errors.js';
import { closest } from '../core/schemaProblems.js';
import { hookActionOf, type HookAction, type HookConfig } from '../config/sections/hooks.js';
import { specOf } from './actionKinds.js';
import { compileEventMatcher, compileMatch, type EventTest, type TextTest } from './matcher.js';
import { eventFields, type EventFields } from './fields.js';

/** A hook from the config, with its matchers compiled. */
export interface CompiledHook {
  readonly name: string;
  /** Position in the `hooks` list: the order modifications of blocking events apply in. */
  readonly order: number;
  /** Its action: the kind (an entry of actionKinds.ts) and that kind's settings. */
  readonly action: HookAction;
  readonly config: HookConfig;
  readonly eventTest: TextTest;
  /** The exact event types it listens to, when it names only exact types (used to index hooks). */
  readonly exactTypes: readonly string[] | undefined;
  readonly matches: EventTest;
}

export function hookName(hook: HookConfig, index: number): string {
  if (hook.name) return hook.name;
  const event = Array.isArray(hook.event) ? hook.event.join(',') : hook.event;
  return `${event}#${index}`;
}


export function compileHooks(hooks: readonly HookConfig[], blockingTypes: ReadonlySet<string>): CompiledHook[] {
  const names = new Set<string>();
  return hooks.map((config, order) => {
    const name = hookName(config, order);
    const where = `hooks[${order}] (${name})`;
    if (names.has(name)) {
      throw new PicodeError(`${where}: another hook is already named ${JSON.stringify(name)}`, {
        hint: 'give each hook a distinct `name` (it identifies the hook in `hooks log` and `hook_runs`)',
      });
    }
    names.add(name);
    const eventTest = compileEventMatcher(config.event, `${where}.event`);
    const action = hookActionOf(config);
    const compiled: CompiledHook = {
      name,
      order,
      action,
      config,
      eventTest,
      exactTypes: 'exact' in eventTest ? eventTest.exact : undefined,
      matches: compileMatch(config.match, config.matcher, where),
    };
    checkLoops(compiled, where, blockingTypes);
    return compiled;
  });
}

function checkLoops(hook: CompiledHook, where: string, blockingTypes: ReadonlySet<string>): void {
  const spec = specOf(hook.action);
  const emits = <K extends HookAction['kind']>(action: HookAction<K>): string[] => specOf(action).emits(action.params);
  for (const type of emits(hook.action)) {
    if (hook.eventTest(type)) {
      throw new PicodeError(`${where}: it listens to ${type} and emits ${type}, so it would trigger itself forever`, {
        hint: 'narrow its `event`, or emit a different event',
      });
    }
  }
  if (spec.onBlocking === 'refused') {
    const blocking = [...blockingTypes].filter((t) => hook.eventTest(t));
    if (blocking.length > 0) {
      throw new PicodeError(`${where}: a \`${hook.action.kind}\` action cannot run on the blocking event ${blocking.join(', ')}`, {
        hint: 'blocking events take `command` or `plugin` hooks (which decide), or `notify` / `emit`; a pane action there would pass through the same gate again',
      });
    }
  }
}

/** Hooks grouped for fast dispatch: exact event types in a map, the rest scanned. */
export class HookIndex {
  private readonly byType = new Map<string, CompiledHook[]>();
  private readonly scanned: CompiledHook[] = [];

  constructor(readonly hooks: readonly CompiledHook[]) {
    for (const hook of hooks) {
      if (!hook.config.enabled) continue;
      if (hook.exactTypes) {
        for (const type of hook.exactTypes) {
          const list = this.byType.get(type) ?? [];
          list.push(hook);
          this.byType.set(type, list);
        }
      } else {
        this.scanned.push(hook);
      }
    }
  }

  /** Enabled hooks listening to this event type, in config order. */
  candidates(type: string): CompiledHook[] {
    const exact = this.byType.get(type);
    if (this.scanned.length === 0) return exact ?? [];
    const out = exact ? [...exact] : [];
    for (const hook of this.scanned) if (hook.eventTest(type)) out.push(hook);
    return exact && out.length > exact.length ? out.sort((a, b) => a.order - b.order) : out;
  }

  /** Enabled hooks whose event type and conditions match, in config order. */
  match(event: PicodeEvent, fields?: EventFields): CompiledHook[] {
    const candidates = this.candidates(event.type);
    if (candidates.length === 0) return candidates;
    const f = fields ?? eventFields(event);
    return candidates.filter((hook) => hook.matches(event, f));
  }

  /** True when some enabled hook listens to this type (e.g. whether to start the file watcher). */
  listensTo(type: string): boolean {
    return this.candidates(type).length > 0;
  }
}

/**
 * Exact event types named by hooks that no part of picode emits: almost always a typo
 * (`file.change`), which would otherwise make a hook silently never run. `user.*` types are
 * always valid (they are whatever `picode emit` sends).
 */
export function unknownEventTypes(hooks: readonly CompiledHook[], knownTypes: readonly string[]): Array<{ hook: string; type: string; suggestion: string | undefined }> {
  const known = new Set(knownTypes);
  const out: Array<{ hook: string; type: string; suggestion: string | undefined }> = [];
  for (const hook of hooks) {
    for (const type of hook.exactTypes ?? []) {
      if (known.has(type) || type.startsWith('user.')) continue;
      out.push({ hook: hook.name, type, suggestion: closest(type, knownTypes.filter((t) => !t.includes('*'))) });
    }
  }
  return out;
}
