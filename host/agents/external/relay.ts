#!/usr/bin/env node
import { request } from 'node:http';

/**
 * The hook command picode gives agents whose hooks run programs (Codex CLI): it reads the
 * hook input on stdin, POSTs it to the host's hook server (PICODE_HOOK_URL, with
 * PICODE_HOOK_TOKEN; both set in the agent's pane for that run only) and prints the host's
 * answer, which follows the Claude-Code-style hook output the agent reads. Kept free of
 * imports beyond node:http so it starts fast. When the host cannot be reached it prints
 * nothing and exits 0: the agent carries on under its own rules.
 */
const url = process.env.PICODE_HOOK_URL;
const token = process.env.PICODE_HOOK_TOKEN ?? '';

function post(body: string): void {
  if (!url) return;
  const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-picode-token': token } }, (res) => {
    let out = '';
    res.setEncoding('utf8');
    res.on('data', (c: string) => { out += c; });
    res.on('end', () => {
      if (res.statusCode === 200 && out.trim() && out.trim() !== '{}') process.stdout.write(out);
      else if (res.statusCode !== 200) process.stderr.write(`picode hook relay: ${res.statusCode} ${out}\n`);
    });
  });
  req.on('error', (error) => { process.stderr.write(`picode hook relay: ${error.message}\n`); });
  req.end(body);
}

// `notify` programs get the JSON as their argument; hooks get it on stdin.
if (process.argv[2] !== undefined) post(process.argv[2]);
else {
  let input = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (c: string) => { input += c; });
  process.stdin.on('end', () => post(input));
}
