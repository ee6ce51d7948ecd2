#!/usr/bin/env node
// picode's shipped guard: a `pane.send.before` shell hook (Claude Code contract) that blocks
// catastrophic commands before they are typed into a pane. Reads the event JSON on stdin; exits
// 2 with the reason on stderr to block, 0 to let the text through. Works unchanged as a Claude
// Code PreToolUse hook on Bash (it also reads `tool_input.command`).
//
// What counts as rm -rf /-class: a recursive rm (or rm -rf's relatives: find -delete, chmod/
// chown -R) aimed at /, /*, ~, $HOME or a top-level system directory; writing a filesystem or
// raw bytes onto a disk device (mkfs, dd of=/dev/..., > /dev/sd*); a fork bomb. Deleting a
// project directory (rm -rf build/, rm -rf ./node_modules) is fine.

const systemDirs = ['bin', 'boot', 'dev', 'etc', 'home', 'lib', 'lib32', 'lib64', 'opt', 'proc', 'root', 'sbin', 'srv', 'sys', 'usr', 'var', 'Users', 'System', 'Library', 'Applications'];

/** Is this rm/chmod target one whose recursive removal wrecks the machine or the home directory? */
function catastrophicTarget(raw) {
  const t = raw.replace(/^['"]|['"]$/g, '');
  if (/^\/+\*?$/.test(t)) return true; // /  //  /*
  if (/^(~|\$HOME|\$\{HOME\})\/*\*?$/.test(t)) return true; // ~  ~/  ~/*  $HOME
  if (/^\/\.\.?\/*$/.test(t)) return true; // /. /..
  const top = /^\/+([^/]+)\/*\*?$/.exec(t);
  return top !== null && systemDirs.includes(top[1]);
}

const optionsWithValue = ['-u', '-g', '-h', '-p', '-C', '-D', '-r', '-t', '-U', '--user', '--group', '-S', '--chdir', '-c'];

/** Splits a command line into simple commands (on ; && || | & and newlines) and words. */
function commands(line) {
  return line.split(/;|&&|\|\||\||&|\n|\$\(|`/).map((c) => c.trim().split(/\s+/).filter(Boolean)).filter((w) => w.length > 0);
}

function check(line) {
  if (/:\s*\(\s*\)\s*\{\s*:\s*\|\s*:\s*&\s*\}\s*;\s*:/.test(line)) return 'a fork bomb';
  if (/>\s*\/dev\/(sd|hd|nvme|vd|xvd|disk|mmcblk)[a-z0-9]*\b/.test(line)) return 'writing onto a disk device';
  for (let words of commands(line)) {
    while (['sudo', 'doas', 'command', 'exec', 'nohup', 'time', 'env'].includes(words[0]) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0] ?? '')) {
      words = words.slice(1);
      // Options of the prefix (sudo -u root, env -i); those that take a value skip it too.
      while (words[0]?.startsWith('-')) words = words.slice(optionsWithValue.includes(words[0]) ? 2 : 1);
    }
    const [cmd, ...args] = words;
    if (!cmd) continue;
    const name = cmd.split('/').pop();
    const flags = args.filter((a) => a.startsWith('-') && a !== '--');
    const targets = args.filter((a) => !a.startsWith('-') || a === '-');
    const recursive = flags.some((f) => f === '--recursive' || (/^-[A-Za-z]+$/.test(f) && /[rR]/.test(f)));
    if (['sh', 'bash', 'zsh', 'dash', 'ksh'].includes(name) && args.includes('-c')) {
      const inner = check(args.slice(args.indexOf('-c') + 1).join(' ').replace(/^['"]|['"]$/g, ''));
      if (inner) return inner;
    }
    if (name === 'rm' && recursive && targets.some(catastrophicTarget)) return `recursive rm of ${targets.find(catastrophicTarget)}`;
    if ((name === 'chmod' || name === 'chown' || name === 'chgrp') && recursive && targets.some(catastrophicTarget)) return `recursive ${name} of ${targets.find(catastrophicTarget)}`;
    if (name === 'find' && targets.length > 0 && catastrophicTarget(targets[0]) && args.includes('-delete')) return `find ${targets[0]} -delete`;
    if (/^mkfs(\.|$)/.test(name) || name === 'wipefs') return `${name} (formats a disk)`;
    if (name === 'dd' && args.some((a) => /^of=\/dev\/(sd|hd|nvme|vd|xvd|disk|mmcblk)/.test(a))) return 'dd onto a disk device';
    if (name === 'shred' && targets.some((a) => a.startsWith('/dev/'))) return 'shred of a device';
  }
  return undefined;
}

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', () => {
  let event;
  try {
    event = JSON.parse(input);
  } catch {
    process.exit(0); // not our input: never block on a parse error
  }
  const text = event?.data?.text ?? event?.tool_input?.command ?? '';
  const keys = Array.isArray(event?.data?.keys) ? event.data.keys.join(' ') : '';
  const why = typeof text === 'string' ? check(`${text} ${keys}`.trim()) : undefined;
  if (why) {
    process.stderr.write(`picode guard: blocked ${why}: ${String(text).slice(0, 200)}\n`);
    process.exit(2);
  }
  process.exit(0);
});
