import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { openStore, type Store } from '../../host/store/db.js';

/**
 * A fresh store for each test of the calling file, in a temporary directory of its own that is
 * removed after the test. Read `.store` inside a test or hook: it is replaced before each test.
 */
export function useTempStore(prefix: string): { readonly store: Store } {
  let dir: string | undefined;
  let store: Store | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), `picode-${prefix}-`));
    store = openStore(join(dir, 'picode.db'));
  });
  afterEach(() => {
    store?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    store = undefined;
    dir = undefined;
  });
  return {
    get store(): Store {
      if (!store) throw new Error('useTempStore: the store exists only inside a test');
      return store;
    },
  };
}
