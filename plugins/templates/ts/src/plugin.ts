// __NAME__: a picode plugin. It counts the commands that fail in your panes, tells you about
// each failure and keeps the count in its kv store (which survives restarts and reloads).
//
// Capabilities are imported like modules; each one is a permission listed in package.json
// ("picodePlugin.permissions") and granted by the user: picode plugin grant __NAME__ log kv notify
import * as log from 'picode:plugin/log@0.1.0';
import * as kv from 'picode:plugin/kv@0.1.0';
import { act, describe, parseData, contextItem } from '@picode/sdk';
import type { Action, ContextItem, ContextRequest, Description, Event } from '@picode/sdk';

export const guest = {
  describe(): Description {
    return describe({
      name: '__NAME__',
      version: '0.1.0',
      summary: 'Counts failed commands and notifies about each one.',
      events: ['command.finished'],
      contextProviders: ['failures'],
      tools: [{ name: 'failures', description: 'How many commands failed so far', inputSchema: { type: 'object', properties: {} } }],
    });
  },

  // A batch of events (oldest first) in, actions out.
  onEvent(events: Event[]): Action[] {
    const actions: Action[] = [];
    for (const event of events) {
      const data = parseData(event) as { command?: string; exitCode?: number | null };
      if (typeof data.exitCode !== 'number' || data.exitCode === 0) continue;
      const failures = Number(kv.get('failures') ?? '0') + 1;
      kv.set('failures', String(failures));
      kv.set('last', `${data.command} (exit ${data.exitCode})`);
      log.write('info', `failure #${failures}: ${data.command}`);
      actions.push(act.notify(`${data.command || 'a command'} failed`, `exit code ${data.exitCode}`, 'warn'));
      actions.push(act.setStatus(`${failures} failed command(s)`));
    }
    return actions;
  },

  // Context for plans, agents and `picode ask`, within a token budget.
  gatherContext(request: ContextRequest): ContextItem[] {
    const last = kv.get('last');
    if (!last || request.tokenBudget < 20) return [];
    return [contextItem('__NAME__:failures', 'Last failed command', last, 40)];
  },

  // Tools an agent may call; arguments and result are JSON text. Throwing a string returns an error.
  callTool(name: string, _args: string): string {
    if (name !== 'failures') throw `unknown tool ${name}`;
    return JSON.stringify({ failures: Number(kv.get('failures') ?? '0') });
  },
};
