import { statSync } from 'node:fs';
import { PicodeError } from '../core/errors.js';
import { panesOf, type SessionSpec } from './model.js';

/**
 * Every working directory of a layout must exist when the session is built: tmux silently
 * starts a pane elsewhere when its `-c` directory is missing, which would run the pane's
 * command in the wrong place. Checked after the `before` commands, which may create them.
 */
export function checkDirectories(spec: SessionSpec): void {
  const places = new Map<string, string>([[spec.cwd, 'the session']]);
  spec.windows.forEach((w, i) => {
    const window = `window ${i + 1}${w.name ? ` (${w.name})` : ''}`;
    if (!places.has(w.cwd)) places.set(w.cwd, window);
    [...panesOf(w.root)].forEach((p, j) => {
      if (!places.has(p.cwd)) places.set(p.cwd, `${window}, pane ${j + 1}${p.name ? ` (${p.name})` : ''}`);
    });
  });
  for (const [dir, where] of places) {
    if (!isDirectory(dir)) {
      throw new PicodeError(`${spec.source.file}: the working directory of ${where} does not exist: ${dir}`, {
        hint: 'fix the cwd (relative paths are relative to where you run picode up, or to the enclosing window/session), or create it in `before`',
      });
    }
  }
}

export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
