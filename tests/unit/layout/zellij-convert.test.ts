import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseKdlV1 } from '@bgotink/kdl/v1-compat';
import { toKdl, toPicodeYaml } from '../../../host/layout/convert.js';
import { importZellijLayout } from '../../../host/layout/importers/zellij.js';
import { loadLayout } from '../../../host/layout/load.js';
import { panesOf } from '../../../host/layout/model.js';

const dir = mkdtempSync(join(tmpdir(), 'picode-convert-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes a layout file from its lines and loads it with picode's loader. */
async function loadWritten(name: string, lines: readonly string[]) {
  const file = join(dir, name);
  writeFileSync(file, lines.join('\n'));
  return loadLayout(file, { cwd: dir, env: {} });
}

const KDL = `layout {
    cwd "/srv/app"
    default_tab_template {
        pane size=1 borderless=true {
            plugin location="tab-bar"
        }
        children
    }
    tab name="code" focus=true split_direction="vertical" {
        pane name="editor" size="65%" command="nvim" focus=true
        pane split_direction="horizontal" {
            pane name="tests" command="npm" close_on_exit=true cwd="web" {
                args "test" "--" "--watch"
            }
            pane name="shell" size=12
        }
    }
    tab name="ops" cwd="/var/log" {
        pane command="tail" {
            args "-f" "syslog"
        }
    }
    floating_panes {
        pane name="scratch"
    }
}
`;

describe('picode layout convert', () => {
  it('converts a Zellij layout to picode YAML that picode loads back into the same layout', async () => {
    const spec = importZellijLayout(KDL, { file: join(dir, 'app.kdl'), cwd: dir, env: {} });
    const { text, dropped } = await toPicodeYaml(spec);
    expect(dropped).toEqual([
      'not supported by picode in the source: floating pane scratch (picode layouts have no floating panes)',
      'not supported by picode in the source: plugin pane tab-bar (a Zellij plugin; picode layouts have no plugin panes)',
    ]);
    expect(text).toContain('# not supported by picode in the source: floating pane scratch');
    const file = join(dir, 'app.yaml');
    writeFileSync(file, text);
    const back = await loadLayout(file, { cwd: dir, env: {} });
    expect(back.name).toBe('app');
    expect(back.cwd).toBe('/srv/app');
    expect(back.windows.map((w) => ({ name: w.name, focus: w.focus, cwd: w.cwd, root: w.root })))
      .toEqual(spec.windows.map((w) => ({ name: w.name, focus: w.focus, cwd: w.cwd, root: w.root })));
  });

  it('converts a picode layout to a Zellij layout that parses as KDL v1 and imports back to the same tree', async () => {
    const spec = await loadWritten('dev.yaml', [
      'name: dev',
      'cwd: /srv/dev',
      'env: { NODE_ENV: development }',
      'windows:',
      '  - name: main',
      '    split: row',
      '    panes:',
      '      - { name: shell, focus: true, size: 60% }',
      '      - split: column',
      '        panes:',
      '          - { name: plan, role: plan }',
      '          - { name: server, command: "npm run dev", onExit: close, cwd: api }',
      '  - name: logs',
      '    layout: tiled',
      '    panes: [ { command: [tail, -f, app.log], onExit: hold } ]',
    ]);
    const { text, dropped } = toKdl(spec);
    expect(dropped).toEqual(['logs: layout "tiled" (a tmux layout; the split tree is kept)', 'env (NODE_ENV): set on every pane with `env`']);
    parseKdlV1(text);
    // A cwd only where the source wrote one (the session's), relative where it was (api).
    expect(text).toContain('    cwd "/srv/dev"\n');
    expect(text).toContain('pane name="plan" command="env" {');
    expect(text).toContain('cwd="api"');
    expect(text).toContain('args "NODE_ENV=development" "picode" "pane" "plan" "--session" "dev"');
    expect(text).toContain('args "NODE_ENV=development" "sh" "-c" "npm run dev"');
    const back = importZellijLayout(text, { file: join(dir, 'dev.kdl'), cwd: dir, env: {} });
    const shape = (s: typeof spec) => s.windows.map((w) => ({
      name: w.name,
      panes: [...panesOf(w.root)].map((p) => ({ name: p.name, size: p.size, cwd: p.cwd, focus: p.focus })),
    }));
    expect(shape(back)).toEqual(shape(spec));
    const [, , server] = [...panesOf(back.windows[0]!.root)];
    expect(server).toMatchObject({ command: ['env', 'NODE_ENV=development', 'sh', '-c', 'npm run dev'], onExit: 'close' });
  });
});

describe('picode layout convert from tmuxp', () => {
  it('folds the commands tmuxp types into a shell into the pane command, then the shell', async () => {
    const spec = await loadWritten('proj.tmuxp.yaml', [
      'session_name: proj',
      'start_directory: /srv/proj',
      'windows:',
      '  - window_name: dev',
      '    panes:',
      '      - shell_command:',
      '          - cd api',
      '          - npm start',
      '      - echo ready',
    ]);
    const { text, dropped } = toKdl(spec);
    parseKdlV1(text);
    expect(text).toContain('args "-c" "cd api\\nnpm start\\nexec \\"${SHELL:-sh}\\" -l"');
    expect(dropped).toEqual([]);
    const yaml = await toPicodeYaml(spec);
    expect(yaml.text).toContain('- command: |-\n          cd api\n          npm start\n      - command: echo ready');
    expect(yaml.dropped).toEqual([
      'dev: pane "cd api": the commands typed into its shell became its command line',
      'dev: pane "echo ready": the commands typed into its shell became its command line',
    ]);
    // picode loads the result back: the commands run, then the shell (onExit: shell, the default).
    const yamlFile = join(dir, 'proj.yaml');
    writeFileSync(yamlFile, yaml.text);
    const back = await loadLayout(yamlFile, { cwd: dir, env: {} });
    expect([...panesOf(back.windows[0]!.root)].map((p) => [p.command, p.onExit])).toEqual([['cd api\nnpm start', 'shell'], ['echo ready', 'shell']]);
  });
});
