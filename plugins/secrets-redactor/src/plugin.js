// secrets-redactor: a gate on `llm.request`. Before anything is sent to a model it masks API
// keys, tokens, private keys, URL passwords and `password=...` values in the system prompt
// and the messages, and tells the host to send the redacted request instead.
import * as log from 'picode:plugin/log@0.1.0';
import { act, describe, parseData } from '@picode/sdk';
import { redact, redactValue, summary } from './redact.js';

export const guest = {
  describe() {
    return describe({
      name: 'secrets-redactor',
      version: '0.1.0',
      summary: 'Masks secrets in outgoing LLM requests.',
      gates: ['llm.request'],
      tools: [{
        name: 'redact',
        description: 'Mask secrets (API keys, tokens, private keys, passwords) in a text.',
        inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
      }],
    });
  },

  onEvent(events) {
    const actions = [];
    for (const event of events) {
      if (event.type !== 'llm.request') continue;
      const data = parseData(event);
      const { value, found } = redactValue({ system: data.system, messages: data.messages });
      const what = summary(found);
      if (!what) {
        actions.push(act.decide('allow'));
        continue;
      }
      log.write('info', `request ${data.requestId ?? ''} (${data.purpose ?? 'unknown purpose'}): masked ${what}`);
      const updated = { ...data, messages: value.messages };
      if (typeof data.system === 'string') updated.system = value.system;
      actions.push(act.decide('allow', { reason: `secrets-redactor masked ${what}`, updatedData: updated }));
      actions.push(act.setStatus(`last request: masked ${what}`));
    }
    return actions;
  },

  gatherContext() {
    return [];
  },

  callTool(name, args) {
    if (name !== 'redact') throw `unknown tool ${name}`;
    let text;
    try { text = JSON.parse(args).text; } catch { throw 'arguments must be JSON: {"text": "..."}'; }
    if (typeof text !== 'string') throw 'text must be a string';
    const r = redact(text);
    return JSON.stringify({ text: r.text, found: r.found });
  },
};
