#!/usr/bin/env node
/**
 * The agent feedback loop that ships with picode (hooks `agent-turn-record` and
 * `test-failure-to-agent` in picode.config.yaml): when an agent finishes (picode's own run
 * ends, or an external agent such as Claude Code ends a turn), its run id is remembered; when
 * an agent without hooks (aider, `--with CMD`) goes quiet at its prompt (its inferred status
 * turns waiting_input), likewise; when
 * the tests then fail in pane `tests`, the failure goes to that agent with `picode agent send`
 * (typed at its prompt when it waits for input, queued otherwise). `record` also types the
 * test command (TEST_COMMAND, default `npm test`) into pane `tests`.
 *
 *   node agent-feedback.mjs record    < agent.finished / agent.message / agent.status event JSON
 *   node agent-feedback.mjs send      < command.finished event JSON
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const mode = process.argv[2];
const event = JSON.parse(readFileSync(0, 'utf8') || '{}');
const session = process.env.PICODE_SESSION ?? event.session_id ?? 'default';
const state = join(tmpdir(), `picode-agent-feedback-${process.getuid?.() ?? 0}-${session.replace(/[^\w.-]/g, '_')}.json`);
const picode = (...args) => execFileSync(process.execPath, [join(process.env.PICODE_PACKAGE ?? '.', 'bin', 'picode.js'), ...args, '--session', session], { encoding: 'utf8' });

if (mode === 'record') {
  const data = event.data ?? {};
  // agent.message also carries the prompts given to the agent: only a turn's answer counts.
  if (event.hook_event_name === 'agent.message' && data.role !== 'assistant') process.exit(0);
  // An agent with hooks ends its turn with agent.message; only an inferred status stands for it.
  if (event.hook_event_name === 'agent.status' && !(data.status === 'waiting_input' && data.source === 'inferred')) process.exit(0);
  const run = typeof data.run === 'number' ? data.run : data.run?.id;
  if (typeof run !== 'number') process.exit(0);
  writeFileSync(state, JSON.stringify({ run }), { mode: 0o600 });
  picode('send', 'tests', process.env.TEST_COMMAND ?? 'npm test', '--enter');
} else if (mode === 'send') {
  let run;
  try { run = JSON.parse(readFileSync(state, 'utf8')).run; } catch { process.exit(0); } // no agent finished yet
  const output = picode('capture', event.pane_name ?? event.pane_id ?? 'tests', '--lines', '60').trim();
  const message = `The tests failed (\`${event.command ?? event.data?.command ?? 'tests'}\`, exit ${event.exit_code ?? event.data?.exitCode}). The end of their output:\n\n${output}\n\nPlease fix the cause.`;
  process.stdout.write(picode('agent', 'send', String(run), message));
} else {
  process.stderr.write('usage: agent-feedback.mjs record|send (event JSON on stdin)\n');
  process.exit(1);
}
