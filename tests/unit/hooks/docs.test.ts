import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { eventCatalog } from '../../../host/bus/catalog/index.js';
import { currentGenerated, renderEventCatalog, replaceGenerated, generatedBegin, generatedEnd } from '../../../host/hooks/docs.js';

const docsFile = join(import.meta.dirname, '../../../docs/hooks.md');

describe('docs/hooks.md', () => {
  it('has an event reference generated from the current catalog (run `npm run docs:hooks` when this fails)', () => {
    const committed = currentGenerated(readFileSync(docsFile, 'utf8'));
    expect(committed, 'docs/hooks.md lost its generated-section markers').toBeDefined();
    expect(committed).toBe(renderEventCatalog(eventCatalog));
  });

  it('defines every event type once across the catalog parts', () => {
    const types = eventCatalog.map((d) => d.type);
    expect(types.filter((t, i) => types.indexOf(t) !== i)).toEqual([]);
  });
});

describe('the generator', () => {
  const catalog = [{
    type: 'x.happened', description: 'Something happened. More detail.', blocking: true, source: 'test',
    data: z.object({ a: z.string().describe('The a.'), b: z.array(z.object({ c: z.number().int() })).optional(), k: z.enum(['p', 'q']) }),
  }];
  it('renders a summary row and a field table with nested fields, enums and optionality', () => {
    const text = renderEventCatalog(catalog);
    expect(text).toContain('| [`x.happened`](#xhappened) | **yes** | test | Something happened. |');
    expect(text).toContain('| `a` | string | yes | The a. |');
    expect(text).toContain('| `b` | object[] | no |  |');
    expect(text).toContain('| `b[].c` | integer | yes |  |');
    expect(text).toContain('| `k` | `"p"` \\| `"q"` | yes |  |');
  });
  it('replaces only the generated section', () => {
    const doc = `intro\n${generatedBegin}\nold\n${generatedEnd}\noutro\n`;
    const out = replaceGenerated(doc, 'new');
    expect(out).toBe(`intro\n${generatedBegin}\nnew\n${generatedEnd}\noutro\n`);
    expect(currentGenerated(out)).toBe('new');
  });
});
