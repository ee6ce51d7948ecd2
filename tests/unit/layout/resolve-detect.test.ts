import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectFormat } from '../../../host/layout/detect.js';
import { availableLayouts, resolveLayoutFile } from '../../../host/layout/resolve.js';
import { shippedLayoutsDir } from '../../../host/core/paths.js';

describe('format detection', () => {
  it.each([
    ['tmuxp by session_name', { session_name: 's', windows: [] }, 'tmuxp'],
    ['tmuxp by window_name', { windows: [{ window_name: 'w', panes: [] }] }, 'tmuxp'],
    ['tmuxinator by root', { name: 'p', root: '~/p', windows: [{ editor: 'vim' }] }, 'tmuxinator'],
    ['tmuxinator by tabs', { project_name: 'p', tabs: [] }, 'tmuxinator'],
    ['tmuxinator by one-key windows only', { name: 'p', windows: [{ editor: 'vim' }, { logs: null }] }, 'tmuxinator'],
    ['picode', { name: 'p', windows: [{ name: 'w', panes: ['a'] }] }, 'picode'],
    ['picode with a one-key window', { windows: [{ command: 'htop' }] }, 'picode'],
    ['picode (mixed windows: its schema reports the odd one)', { windows: [{ name: 'w' }, { foo: 1 }] }, 'picode'],
    ['not a map: picode reports it', ['a'], 'picode'],
  ])('%s', (_name, data, format) => {
    expect(detectFormat('/x.yaml', data)).toBe(format);
  });
  it('treats .kdl files as Zellij layouts', () => {
    expect(detectFormat('/x.kdl', undefined)).toBe('zellij');
  });
});

describe('layout resolution', () => {
  const home = mkdtempSync(join(tmpdir(), 'picode-resolve-'));
  const env = { XDG_CONFIG_HOME: join(home, 'xdg'), HOME: home };
  mkdirSync(join(home, 'xdg', 'picode', 'layouts'), { recursive: true });
  writeFileSync(join(home, 'xdg', 'picode', 'layouts', 'default.yaml'), 'windows: [{ command: x }]\n');
  writeFileSync(join(home, 'xdg', 'picode', 'layouts', 'mine.yml'), 'windows: [{ command: x }]\n');
  writeFileSync(join(home, 'local.yaml'), 'windows: [{ command: x }]\n');

  it('prefers the user\'s layouts folder over the shipped layouts', () => {
    expect(resolveLayoutFile('default', { cwd: home, env })).toBe(join(home, 'xdg', 'picode', 'layouts', 'default.yaml'));
    expect(resolveLayoutFile('dev', { cwd: home, env })).toBe(join(shippedLayoutsDir(), 'dev.yaml'));
    expect(resolveLayoutFile('mine', { cwd: home, env })).toBe(join(home, 'xdg', 'picode', 'layouts', 'mine.yml'));
  });
  it('takes paths relative to the working directory, and ~', () => {
    expect(resolveLayoutFile('local.yaml', { cwd: home, env })).toBe(join(home, 'local.yaml'));
    expect(resolveLayoutFile('./local.yaml', { cwd: home, env })).toBe(join(home, 'local.yaml'));
    expect(resolveLayoutFile('~/local.yaml', { cwd: '/', env })).toBe(join(home, 'local.yaml'));
  });
  it('names a missing file', () => {
    expect(() => resolveLayoutFile('./nope.yaml', { cwd: home, env })).toThrow(`layout file not found: ${join(home, 'nope.yaml')}`);
  });
  it('lists user layouts first, shadowing shipped ones of the same name', () => {
    const listed = availableLayouts(env);
    expect(listed.find((l) => l.name === 'default')).toMatchObject({ origin: 'user' });
    expect(listed.find((l) => l.name === 'agents')).toMatchObject({ origin: 'shipped' });
  });
});
