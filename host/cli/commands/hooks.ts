import type { Command } from 'commander';
import { globalOptions } from '../globals.js';
import { PicodeError } from '../../core/errors.js';
import { makeEvent, type PicodeEvent } from '../../bus/envelope.js';
import type { DryRunReport, HookStats } from '../../hooks/engine.js';
import type { StoredHookRun } from '../../hooks/runLog.js';
import { callHost, parseDataOption } from '../support.js';
import { optionalSessionTarget, resolveSessionTarget } from '../../ipc/target.js';
import { parseListLimit } from '../../ipc/paging.js';
import { listRequest, printListing } from '../listing.js';

/**
 * `picode hooks list | test | log | docs`. `list` and `test` read the config files from the
 * current directory (what you are editing) and work without a host; with `--host` they ask the
 * session's running host instead (its loaded config, its plugins, its run counters). `log`
 * reads `hook_runs` from the store.
 */
export function define(program: Command): void {
  const hooks = program.command('hooks').description('list, test and inspect hooks (see docs/hooks.md)');

  hooks.command('list')
    .description('list the configured hooks: event, conditions, action (and run counters with --host)')
    .option('--host', "ask the session's running host (shows runs, failures and drops)")
    .option('--session <name>', 'session of the host (default: PICODE_SESSION, else the current tmux session, else the only one with a host)')
    .option('--json', 'print JSON')
    .action(async (opts: { host?: boolean; session?: string; json?: boolean }, cmd: Command) => {
      if (opts.host) {
        const { tmuxSocket } = globalOptions(cmd);
        const target = await resolveSessionTarget({ session: opts.session, tmuxSocket, command: 'hooks list --host' });
        const result = await callHost<{ hooks: HookStats[]; watching: unknown }>(target.session, target.tmuxSocket, 'hooks.list', {});
        if (opts.json) return print(result);
        printStats(result.hooks, result.watching);
        return;
      }
      const { engine, files, warnings } = await standaloneEngine((await optionalSessionTarget({ session: opts.session, tmuxSocket: globalOptions(cmd).tmuxSocket }))?.session ?? 'dry-run');
      const { summarizeAction } = await import('../../hooks/actions.js');
      if (opts.json) return print({ files, warnings, hooks: engine.hooks.map((h) => ({ name: h.name, order: h.order, action: h.action.kind, ...h.config })) });
      if (engine.hooks.length === 0) {
        process.stdout.write(`no hooks configured (config files read: ${files.join(', ') || 'none'})\n  add a \`hooks:\` list to picode.config.yaml; see docs/hooks.md\n`);
        return;
      }
      for (const h of engine.hooks) {
        const c = h.config;
        const conditions = [
          ...Object.entries(c.match ?? {}).map(([k, v]) => `${k}=${JSON.stringify(v)}`),
          ...(c.matcher !== undefined ? [`matcher=${JSON.stringify(c.matcher)}`] : []),
        ].join(' ');
        const event = Array.isArray(c.event) ? c.event.join(',') : c.event;
        process.stdout.write(`${c.enabled ? ' ' : '-'} ${h.name.padEnd(24)} ${event.padEnd(20)} ${h.action.kind.padEnd(7)} ${conditions}\n`);
        process.stdout.write(`    ${summarizeAction(h).split('\n')[0]!.slice(0, 120)}\n`);
      }
      for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
    });

  hooks.command('test')
    .description('dry run: which hooks match EVENT and what they decide (shell hooks run; built-in actions are only described; with --host plugins answer too, their actions not applied)')
    .argument('<event>', 'event type, e.g. file.changed, command.finished, pane.send.before, user.deploy')
    .option('--data <json>', 'the event data as JSON', '{}')
    .option('--pane <name>', 'the pane the event is about (name from the layout, or id)')
    .option('--host', "ask the session's running host (its config and its plugins)")
    .option('--session <name>', 'session (default: PICODE_SESSION, else the current tmux session, else the only one with a host)')
    .option('--json', 'print JSON')
    .action(async (type: string, opts: { data: string; pane?: string; host?: boolean; session?: string; json?: boolean }, cmd: Command) => {
      const data = parseDataOption(opts.data);
      let report: DryRunReport;
      if (opts.host) {
        const { tmuxSocket } = globalOptions(cmd);
        const target = await resolveSessionTarget({ session: opts.session, tmuxSocket, command: 'hooks test --host' });
        report = await callHost<DryRunReport>(target.session, target.tmuxSocket, 'hooks.test', { event: type, data, pane: opts.pane });
      } else {
        const session = (await optionalSessionTarget({ session: opts.session, tmuxSocket: globalOptions(cmd).tmuxSocket }))?.session ?? 'dry-run';
        const { engine, known } = await standaloneEngine(session);
        if (!known.includes(type) && !type.startsWith('user.')) {
          process.stderr.write(`note: picode never emits ${type}; \`picode hooks docs\` lists the event types\n`);
        }
        const event = makeEvent({
          type, session, data,
          pane: opts.pane?.startsWith('%') ? opts.pane : undefined,
          paneName: opts.pane && !opts.pane.startsWith('%') ? opts.pane : undefined,
        });
        report = await engine.test(event);
      }
      if (opts.json) return print(report);
      printReport(report);
    });

  hooks.command('log')
    .description('show recent hook runs (hook_runs), newest last: event, hook, outcome, decision, duration, output')
    .option('--session <name>', 'only runs of this session')
    .option('--hook <name>', 'only runs of this hook')
    .option('--outcome <outcome>', 'only runs with this outcome: ok, blocked, error, timeout, unavailable')
    .option('-n, --limit <n>', 'the N most recent runs (at most one page)', parseListLimit, 20)
    .option('--all', 'every run recorded, read a page at a time')
    .option('--output', 'print each run\'s captured output too')
    .option('--json', 'print JSON')
    .action(async (opts: { session?: string; hook?: string; outcome?: string; limit: number; all?: boolean; output?: boolean; json?: boolean }) => {
      const { openStore } = await import('../../store/db.js');
      const { readHookRuns } = await import('../../hooks/runLog.js');
      const store = openStore();
      try {
        // Read from the store a page at a time, as `picode events` does (the host need not run).
        const filters = { session: opts.session, hook: opts.hook, outcome: opts.outcome };
        await printListing<StoredHookRun, number>({
          fetch: async (page) => readHookRuns(store.db, { ...filters, page: { after: page.afterId, before: page.beforeId, limit: page.limit, last: page.last === true } }),
          keyOf: (r) => r.id, request: listRequest(opts), json: opts.json === true, empty: 'no hook runs recorded yet',
          print: (runs) => printRuns(runs, opts.output === true),
        });
      } finally {
        store.close();
      }
    });

  hooks.command('docs')
    .description('print the event catalog as Markdown (the generated part of docs/hooks.md)')
    .option('--write <file>', 'update the generated section of FILE in place (e.g. docs/hooks.md)')
    .option('--check <file>', 'exit 1 when the generated section of FILE is stale')
    .action(async (opts: { write?: string; check?: string }) => {
      const { eventCatalog } = await import('../../bus/catalog/index.js');
      const { renderEventCatalog, replaceGenerated, currentGenerated } = await import('../../hooks/docs.js');
      const generated = renderEventCatalog(eventCatalog);
      const file = opts.write ?? opts.check;
      if (!file) {
        process.stdout.write(`${generated}\n`);
        return;
      }
      const { readFileSync, writeFileSync } = await import('node:fs');
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        throw new PicodeError(`cannot read ${file}: ${(error as Error).message}`);
      }
      const current = currentGenerated(text);
      if (current === undefined) {
        throw new PicodeError(`${file} has no generated-section markers`, { hint: 'add the BEGIN/END GENERATED comment lines from docs/hooks.md' });
      }
      if (opts.check) {
        if (current !== generated) {
          process.stderr.write(`${file}: the event catalog section is stale; run picode hooks docs --write ${file}\n`);
          process.exitCode = 1;
        }
        return;
      }
      writeFileSync(file, replaceGenerated(text, generated));
      process.stdout.write(`updated the event catalog in ${file}\n`);
    });
}

async function standaloneEngine(session: string) {
  const { loadConfig } = await import('../../config/load.js');
  const { eventCatalog, blockingEventTypes } = await import('../../bus/catalog/index.js');
  const { HookEngine } = await import('../../hooks/engine.js');
  const { unknownEventTypes } = await import('../../hooks/compile.js');
  const { dryRunServices } = await import('../../hooks/dryRun.js');
  const loaded = await loadConfig();
  const engine = new HookEngine({
    hooks: loaded.config.hooks,
    limits: loaded.config.hookLimits,
    services: dryRunServices(session, process.cwd()),
    blockingTypes: blockingEventTypes,
  });
  const known: readonly string[] = eventCatalog.map((d) => d.type);
  const warnings = unknownEventTypes(engine.hooks, known).map((u) =>
    `hook ${u.hook} listens to ${u.type}, which picode never emits${u.suggestion ? ` (did you mean ${u.suggestion}?)` : ''}`);
  return { engine, files: loaded.files, warnings, known };
}

function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

function indent(text: string): string {
  return text.replace(/\n?$/, '\n').replace(/^/gm, '    ');
}

function printStats(hooks: readonly HookStats[], watching: unknown): void {
  if (watching) process.stdout.write(`watching files: ${JSON.stringify(watching)}\n`);
  for (const h of hooks) {
    const dropped = Object.entries(h.dropped).map(([k, v]) => `${k} ${v}`).join(', ');
    const event = Array.isArray(h.event) ? h.event.join(',') : h.event;
    process.stdout.write(`${h.enabled ? ' ' : '-'} ${h.name.padEnd(24)} ${String(event).padEnd(20)} ${h.action.padEnd(7)} runs ${h.runs}, failures ${h.failures}${dropped ? `, dropped ${dropped}` : ''}${h.running ? ', running' : ''}${h.lastOutcome ? `, last ${h.lastOutcome}` : ''}\n`);
  }
}

function printReport(report: DryRunReport): void {
  process.stdout.write(`event ${report.event.type}${report.blocking ? ' (blocking)' : ''}\n`);
  const matched = report.hooks.filter((h) => h.matched);
  if (report.hooks.length === 0) process.stdout.write('  no hooks configured\n');
  for (const h of report.hooks) {
    if (!h.matched) {
      process.stdout.write(`  - ${h.hook.padEnd(24)} not matched (${h.why})\n`);
      continue;
    }
    if (h.wouldDo) {
      process.stdout.write(`  + ${h.hook.padEnd(24)} would ${h.wouldDo}\n`);
      continue;
    }
    const decision = h.decision ? ` -> ${h.decision}` : '';
    process.stdout.write(`  + ${h.hook.padEnd(24)} ${h.outcome}${decision}${h.reason ? `: ${h.reason.split('\n')[0]}` : ''} (${Math.round(h.durationMs ?? 0)} ms)\n`);
  }
  if (report.blocking) {
    const d = report.decision;
    process.stdout.write(d ? `decision: ${d.decision}${d.reason ? ` (${d.reason})` : ''}\n` : 'decision: none (the action proceeds)\n');
    if (d?.updatedData !== undefined) process.stdout.write(`modified data: ${JSON.stringify(d.updatedData)}\n`);
    if (d?.additionalContext) process.stdout.write(`additional context:\n${indent(d.additionalContext)}`);
  }
  if (matched.length === 0 && report.hooks.length > 0) process.stdout.write('  (no hook matches this event)\n');
}

/** One line per hook run (and its captured output with --output). */
function printRuns(runs: readonly StoredHookRun[], output: boolean): void {
  for (const r of runs) {
    const time = new Date(r.startedAt).toISOString().replace('T', ' ').slice(0, 19);
    const decision = r.decision ? ` ${r.decision}` : '';
    const exit = r.exitCode !== null ? ` exit ${r.exitCode}` : '';
    process.stdout.write(`${time} ${r.session} #${r.eventId} ${r.eventType} ${r.hook} (${r.action}) ${r.outcome}${decision}${exit} ${Math.round(r.durationMs)} ms${r.reason ? ` - ${r.reason.split('\n')[0]}` : ''}\n`);
    if (output && r.output) process.stdout.write(`${indent(r.output)}${r.truncated ? '  [truncated]\n' : ''}`);
  }
}
