// picode plugin SDK: small helpers bundled into every plugin as the module `@picode/sdk`
// (picode plugin build provides it). Types: index.d.ts, generated interface types: types/.

/** About four characters per token: the estimate picode uses for budgets everywhere. */
export function estimateTokens(text) {
  return Math.ceil(text.length / 4);
}

/** Removes ANSI escape sequences (colours, cursor movement, OSC titles) from terminal text. */
export function stripAnsi(text) {
  // CSI ... final byte, OSC ... BEL/ST, and single-character escapes.
  return text.replace(/\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g, '');
}

/** The event's JSON payload as an object ({} when it is not an object or not JSON). */
export function parseData(event) {
  try {
    const data = JSON.parse(event.data);
    return data !== null && typeof data === 'object' ? data : {};
  } catch {
    return {};
  }
}

/** A full description with empty lists for what the plugin does not offer. */
export function describe(fields) {
  return {
    name: fields.name,
    version: fields.version ?? '0.1.0',
    summary: fields.summary ?? '',
    events: fields.events ?? [],
    gates: fields.gates ?? [],
    contextProviders: fields.contextProviders ?? [],
    tools: (fields.tools ?? []).map((t) => ({
      name: t.name,
      description: t.description ?? '',
      inputSchema: typeof t.inputSchema === 'string' ? t.inputSchema : JSON.stringify(t.inputSchema ?? { type: 'object' }),
    })),
  };
}

export function contextItem(source, title, content, priority = 50) {
  return { source, title, content, priority: Math.max(0, Math.min(255, Math.round(priority))) };
}

/**
 * Keeps the highest-priority items that fit in the token budget; the last one that does not
 * fit whole is cut with a marker.
 */
export function trimToBudget(items, tokenBudget) {
  let chars = Math.max(0, tokenBudget) * 4;
  const out = [];
  for (const item of [...items].sort((a, b) => b.priority - a.priority)) {
    if (chars <= 0) break;
    if (item.content.length <= chars) {
      out.push(item);
      chars -= item.content.length;
    } else {
      const marker = '\n[... trimmed to the token budget]';
      if (chars > marker.length + 40) out.push({ ...item, content: item.content.slice(0, chars - marker.length) + marker });
      chars = 0;
    }
  }
  return out;
}

/** Constructors of the action variant. */
export const act = {
  notify: (title, body = '', level = 'info') => ({ tag: 'notify', val: { level, title, body } }),
  sendText: (pane, text, enter = false) => ({ tag: 'send-text', val: { pane, text, enter } }),
  sendKeys: (pane, keys) => ({ tag: 'send-keys', val: { pane, keys } }),
  run: (pane, command) => ({ tag: 'run', val: { pane, command } }),
  emit: (type, data, pane) => ({ tag: 'emit', val: { type, pane, data: JSON.stringify(data ?? {}) } }),
  addContext: (item) => ({ tag: 'add-context', val: item }),
  setStatus: (text) => ({ tag: 'set-status', val: text }),
  decide: (verdict, options = {}) => ({
    tag: 'decide',
    val: {
      verdict,
      reason: options.reason,
      updatedData: options.updatedData === undefined ? undefined : JSON.stringify(options.updatedData),
      additionalContext: options.additionalContext,
    },
  }),
};
