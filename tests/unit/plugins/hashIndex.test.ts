import { copyFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { knownHash, recordHash } from '../../../host/plugins/build/hashIndex.js';
import { sha256, stopTranspileWorker, transpileCachedFile } from '../../../host/plugins/build/loader.js';
import { tempDir } from '../../integration/plugins/helpers.js';

const tmp = tempDir('picode-hash-index-');
afterAll(async () => {
  await stopTranspileWorker();
  tmp.dispose();
});

const stat = (path: string) => statSync(path, { bigint: true });
const settle = () => new Promise((r) => setTimeout(r, 2100));

describe('the component hash index', () => {
  it('trusts a signature only once the file had settled when it was hashed, and never after a change', async () => {
    const index = join(tmp.dir, 'index-1');
    const file = join(tmp.dir, 'a.wasm');
    writeFileSync(file, 'one');
    recordHash(index, file, stat(file), 'hash-of-one');
    // Hashed right after it was written: a rewrite in the same timestamp tick could hide.
    expect(knownHash(index, file, stat(file))).toBeUndefined();

    await settle();
    recordHash(index, file, stat(file), 'hash-of-one');
    expect(knownHash(index, file, stat(file))).toBe('hash-of-one');

    // Same size, new content: the signature changes (mtime, ctime), the hash is not trusted.
    writeFileSync(file, 'two');
    expect(knownHash(index, file, stat(file))).toBeUndefined();
    // Another path never gets this path's entry.
    const other = join(tmp.dir, 'b.wasm');
    writeFileSync(other, 'one');
    expect(knownHash(index, other, stat(other))).toBeUndefined();
  }, 10_000);

  it('serves a changed component from its own cache entry, never the entry of its previous content', async () => {
    const cache = join(tmp.dir, 'cache');
    const root = resolve(__dirname, '..', '..', '..', 'plugins');
    const component = join(tmp.dir, 'plugin.wasm');
    copyFileSync(join(root, 'secrets-redactor', 'secrets-redactor.wasm'), component);
    await settle();
    const first = await transpileCachedFile(component, cache);
    expect(first.sha256).toBe(sha256(readFileSync(component)));
    const again = await transpileCachedFile(component, cache);
    expect(again.dir).toBe(first.dir);
    expect(again.fresh).toBe(false);

    copyFileSync(join(root, 'pane-errors', 'pane-errors.wasm'), component);
    const changed = await transpileCachedFile(component, cache);
    expect(changed.sha256).toBe(sha256(readFileSync(component)));
    expect(changed.dir).not.toBe(first.dir);
  }, 60_000);
});
