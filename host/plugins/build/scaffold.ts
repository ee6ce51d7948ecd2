import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PicodeError } from '../../core/errors.js';
import { packageRoot } from '../../core/paths.js';

/**
 * `picode plugin new NAME`: a working plugin from plugins/templates (source, README, recorded
 * events, a test) plus, for TypeScript, a tsconfig and a copy of the generated interface
 * types so the editor knows `picode:plugin/*` and `@picode/sdk`.
 */
export function scaffoldPlugin(dir: string, name: string, lang: 'js' | 'ts'): string[] {
  if (!/^[a-z][a-z0-9-]{0,62}$/.test(name)) {
    throw new PicodeError(`plugin name "${name}" is not valid`, { hint: 'use lower-case letters, digits and dashes, starting with a letter' });
  }
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new PicodeError(`${dir} already exists and is not empty`, { hint: 'choose another name or --dir' });
  }
  const templates = join(packageRoot(), 'plugins', 'templates');
  const ext = lang === 'ts' ? 'ts' : 'js';
  const written: string[] = [];
  const copy = (from: string, to: string): void => {
    if (statSync(from).isDirectory()) {
      for (const entry of readdirSync(from)) copy(join(from, entry), join(to, entry));
      return;
    }
    mkdirSync(join(to, '..'), { recursive: true });
    writeFileSync(to, readFileSync(from, 'utf8').replaceAll('__NAME__', name).replaceAll('__EXT__', ext));
    written.push(to);
  };
  copy(join(templates, 'common'), dir);
  copy(join(templates, lang), dir);

  const pkg = {
    name,
    version: '0.1.0',
    private: true,
    type: 'module',
    description: `${name}: a picode plugin`,
    scripts: { build: 'picode plugin build .', test: 'node --test test/' },
    picodePlugin: { source: `src/plugin.${ext}`, component: 'dist/plugin.wasm', permissions: ['log', 'kv', 'notify'] },
    ...(lang === 'ts' ? { devDependencies: { typescript: '^5.9.0' } } : {}),
  };
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  written.push(join(dir, 'package.json'));
  writeFileSync(join(dir, '.gitignore'), 'node_modules/\n');
  if (lang === 'ts') {
    // Generated types (plugins/sdk/types) and the SDK's declarations, copied as they are.
    const sdk = join(packageRoot(), 'plugins', 'sdk');
    cpSync(join(sdk, 'types'), join(dir, 'types', 'sdk', 'types'), { recursive: true });
    cpSync(join(sdk, 'index.d.ts'), join(dir, 'types', 'sdk', 'index.d.ts'));
    written.push(join(dir, 'types', 'sdk'));
  }
  return written;
}
