import type { Command } from 'commander';
import { defineConvert } from './layout-convert.js';
import { PicodeError } from '../../core/errors.js';
import type { LayoutNode, SessionSpec, Size } from '../../layout/model.js';

/**
 * `picode layout check FILE [--json]` validates a layout fully (no cache) and prints what
 * picode would launch; `picode layout convert` (layout-convert.ts) converts between formats.
 */
export function define(program: Command): void {
  const layoutCommand = program
    .command('layout')
    .description('check or convert layout files');
  layoutCommand
    .command('check')
    .description('validate a layout (picode, tmuxp, tmuxinator or Zellij) and print the normalised layout')
    .argument('<file>', 'a layout path or name')
    .argument('[settings...]', 'key=value settings for tmuxinator files (<%= @settings["key"] %>)')
    .option('--json', 'print the normalised layout (SessionSpec) as JSON')
    .option('--tmux [WxH]', 'print the tmux commands `picode up` would run, for a window of WxH cells (default 80x24)')
    .action(async (file: string, settingArgs: string[], options: { json?: boolean; tmux?: string | boolean }) => {
      const [{ loadLayoutDetailed }, { parseSettings }] = await Promise.all([import('../../layout/load.js'), import('./up.js')]);
      const loaded = await loadLayoutDetailed(file, { cwd: process.cwd(), env: process.env, settings: parseSettings(settingArgs) });
      for (const field of loaded.spec.unsupported) process.stderr.write(`picode: warning: ${loaded.file}: not supported, ignored: ${field}\n`);
      // A window's tmux layout is checked here too, so `check` fails where `up` would.
      const { tmuxLayoutProblems } = await import('../../layout/tmuxLayoutString.js');
      const problems = tmuxLayoutProblems(loaded.spec).map((p) => `  ${loaded.file}: ${p}`);
      if (problems.length) {
        throw new PicodeError(`invalid layout ${loaded.file}:\n${problems.join('\n')}`, {
          hint: 'use a tmux layout name (tiled, even-horizontal, main-vertical...) or a layout string made for as many panes',
        });
      }
      if (options.tmux !== undefined) process.stdout.write(await tmuxCommands(loaded.spec, options.tmux));
      else if (options.json) process.stdout.write(`${JSON.stringify(loaded.spec, null, 2)}\n`);
      else process.stdout.write(describeSpec(loaded.spec));
    });
  defineConvert(layoutCommand);
}

/** The build invocation as a shell command line, one tmux command per line (for debugging a layout). */
async function tmuxCommands(spec: SessionSpec, size: string | boolean): Promise<string> {
  const match = typeof size === 'string' ? /^(\d+)x(\d+)$/.exec(size) : null;
  if (typeof size === 'string' && !match) {
    throw new PicodeError(`--tmux ${size}: expected a size such as 120x40`, { hint: 'give the window size in cells, WIDTHxHEIGHT' });
  }
  const [{ buildPlan }, { shellQuote }, { invocations }, { shellInitArgv }, { join }, { packageRoot }] = await Promise.all([
    import('../../mux/tmux/plan.js'), import('../../layout/expand.js'), import('../../mux/tmux/exec.js'),
    import('../../mux/tmux/tmux.js'), import('node:path'), import('../../core/paths.js'),
  ]);
  const shell = process.env.SHELL || '/bin/sh';
  const plan = buildPlan(spec, {
    session: spec.name, width: match ? Number(match[1]) : 80, height: match ? Number(match[2]) : 24, shell,
    shellInitArgv: await shellInitArgv(spec, shell, process.env), picodeArgv: [process.execPath, join(packageRoot(), 'bin', 'picode.js')],
    tmuxSocket: undefined,
  });
  // invocations() cuts the build where `up` does (only layouts too big for one tmux command
  // are cut), and chain() applies the same escaping (arguments ending in `;`).
  const builds = invocations(plan.commands).map((argv) => {
    const commands: string[][] = [[]];
    for (const arg of argv) if (arg === ';') commands.push([]); else commands.at(-1)!.push(arg);
    return `tmux ${commands.map((c) => c.map(shellQuote).join(' ')).join(' \\; \\\n  ')}\n`;
  });
  const typed = plan.typed.map((t) => `# then, once the shell of window ${t.window + 1} pane ${t.pane + 1} is ready, type: ${t.commands.join(' ; ')}`);
  return `${builds.join('')}${typed.map((t) => `${t}\n`).join('')}`;
}

export function describeSpec(spec: SessionSpec): string {
  const lines = [`${spec.source.file}: valid ${spec.source.format} layout`, `session ${spec.name}  (cwd ${spec.cwd})`];
  if (Object.keys(spec.env).length) lines.push(`  env ${formatEnv(spec.env)}`);
  for (const b of spec.before) lines.push(`  before: ${b}`);
  for (const [k, v] of Object.entries(spec.options)) lines.push(`  option ${k} ${v}`);
  spec.windows.forEach((w, i) => {
    const flags = [w.index !== undefined ? `index ${w.index}` : '', w.focus ? 'focus' : '', w.tmuxLayout ? `tmux layout ${w.tmuxLayout}` : '',
      w.cwd !== spec.cwd ? `cwd ${w.cwd}` : '']
      .filter(Boolean);
    lines.push(`  window ${i + 1}${w.name ? ` "${w.name}"` : ''}${flags.length ? `  (${flags.join(', ')})` : ''}`);
    if (Object.keys(w.env).length) lines.push(`    env ${formatEnv(w.env)}`);
    for (const [k, v] of Object.entries(w.options)) lines.push(`    option ${k} ${v}`);
    node(w.root, '    ', w.cwd, lines);
  });
  for (const u of spec.unsupported) lines.push(`  not supported: ${u}`);
  return `${lines.join('\n')}\n`;
}

function node(n: LayoutNode, indent: string, cwd: string, lines: string[]): void {
  if (n.kind === 'split') {
    lines.push(`${indent}${n.direction === 'row' ? 'row (side by side)' : 'column (stacked)'}${sizeText(n.size)}`);
    for (const c of n.children) node(c, `${indent}  `, cwd, lines);
    return;
  }
  const command = n.command === undefined ? (n.role === 'shell' ? 'your shell' : `picode pane ${n.role}`)
    : typeof n.command === 'string' ? n.command : JSON.stringify(n.command);
  const flags = [n.focus ? 'focus' : '', n.command !== undefined ? `on exit: ${n.onExit}` : '', n.shellInit ? 'shell marks' : '',
    n.cwd !== cwd ? `cwd ${n.cwd}` : '', Object.keys(n.env).length ? `env ${formatEnv(n.env)}` : ''].filter(Boolean);
  lines.push(`${indent}pane${n.name ? ` "${n.name}"` : ''} [${n.role}${n.plugin ? ` ${n.plugin}` : ''}]${sizeText(n.size)}: ${command}${flags.length ? `  (${flags.join(', ')})` : ''}`);
  n.typed.forEach((t, i) => {
    const timing = n.typedTiming?.[i];
    const notes = timing ? [timing.sleepBeforeMs ? `after ${timing.sleepBeforeMs / 1000} s` : '', timing.enter ? '' : 'no Enter',
      timing.sleepAfterMs ? `then waits ${timing.sleepAfterMs / 1000} s` : ''].filter(Boolean) : [];
    lines.push(`${indent}  types: ${t.trim()}${notes.length ? `  (${notes.join(', ')})` : ''}`);
  });
}

function sizeText(size: Size | undefined): string {
  if (!size) return '';
  return 'percent' in size ? ` ${size.percent}%` : ` ${size.cells} cells`;
}

function formatEnv(env: Readonly<Record<string, string>>): string {
  return Object.entries(env).map(([k, v]) => `${k}=${v}`).join(' ');
}
