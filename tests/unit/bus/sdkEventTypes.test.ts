import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { eventCatalog } from '../../../host/bus/catalog/index.js';
import { renderSdkEventTypes } from '../../../host/bus/catalog/sdkTypes.js';

describe('plugin SDK event payload types', () => {
  it('plugins/sdk/events.d.ts is generated from the current catalog (regenerate: node plugins/sdk/generate-events.mjs)', () => {
    expect(readFileSync('plugins/sdk/events.d.ts', 'utf8')).toBe(renderSdkEventTypes(eventCatalog));
  });

  it('renders each payload from its schema: optional keys, enums, nullable, free-form', () => {
    const out = renderSdkEventTypes(eventCatalog);
    expect(out).toContain('"pane.resized": {\n    "width": number;\n    "height": number;\n  };');
    expect(out).toContain('"exitCode": number | null;');
    expect(out).toContain('"mux": "tmux" | "zellij";');
    expect(out).toContain('"tmuxSocket"?: string;');
    expect(out).toContain('export type OpenEventType = `plugin.${string}` | `user.${string}`;');
  });
});
