// Secret detection and masking. Pure functions, unit-tested on realistic secrets
// (tests/unit/plugins/secrets-redactor.test.ts). Each rule names the kind of secret so the
// mask says what was removed: `[REDACTED:github-token]`.
//
// Rules are ordered: specific formats first (they are certain), then key=value shapes whose
// key says "secret" (password=..., "apiKey": "..."), which need a plausible value.

const rules = [
  { kind: 'private-key', re: /-----BEGIN ((?:RSA|EC|DSA|OPENSSH|ENCRYPTED|PGP) )?PRIVATE KEY( BLOCK)?-----[\s\S]*?-----END \1?PRIVATE KEY\2-----/g },
  { kind: 'aws-access-key-id', re: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA)[0-9A-Z]{16}\b/g },
  { kind: 'github-token', re: /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{60,255})\b/g },
  { kind: 'gitlab-token', re: /\bglpat-[A-Za-z0-9_-]{20,}\b/g },
  { kind: 'anthropic-key', re: /\bsk-ant-(?:api|admin)\d{2}-[A-Za-z0-9_-]{20,}\b/g },
  { kind: 'openai-key', re: /\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}T3BlbkFJ[A-Za-z0-9_-]{20,}\b|\bsk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,}\b|\bsk-[A-Za-z0-9]{48}\b/g },
  { kind: 'stripe-key', re: /\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}\b/g },
  { kind: 'slack-token', re: /\bxox[abposr]-(?:\d+-)+[A-Za-z0-9-]{8,}\b/g },
  { kind: 'slack-webhook', re: /https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]+/g },
  { kind: 'google-api-key', re: /\bAIza[0-9A-Za-z_-]{35}\b/g },
  { kind: 'npm-token', re: /\bnpm_[A-Za-z0-9]{36}\b/g },
  { kind: 'pypi-token', re: /\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}\b/g },
  { kind: 'sendgrid-key', re: /\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b/g },
  { kind: 'twilio-key', re: /\bSK[0-9a-f]{32}\b/g },
  { kind: 'jwt', re: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b/g },
];

// user:password@ in URLs (database URLs, git remotes).
const urlCredentials = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s:/@]+):([^\s@/]+)@/gi;
// Authorization headers.
const bearer = /\b(Authorization:\s*(?:Bearer|Basic|Token)\s+|\bBearer\s+)([A-Za-z0-9._~+/=-]{12,})/gi;
// KEY=value, KEY: value, "key": "value" where the key names a secret.
const assignment = /(["']?)([A-Za-z0-9_.-]*(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|client[_-]?secret|auth[_-]?key|credentials?)[A-Za-z0-9_.-]*)\1(\s*[:=]\s*)(["']?)([^\s"'`,;}{]+)\4/gi;

// Code, not a value: a call, an index, a member path (`document.querySelector(`, `cfg.db.pass`).
function codeLike(value) {
  return /[()[\]<>]/.test(value) || /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/.test(value);
}

function placeholder(value) {
  return value.length < 6 || codeLike(value) ||
    /^(?:\*+|x+|\.+|<[^>]*>|\$\{[^}]*\}|\$[A-Z_][A-Z0-9_]*|%[^%]+%|\{\{[^}]*\}\}|null|none|true|false|undefined|changeme|password|secret|example|your[_-]?\w*|redacted|\[REDACTED[^\]]*\])$/i.test(value) ||
    /^\[REDACTED/.test(value);
}

/** Masks secrets in text; returns the text and the kinds found (with counts). */
export function redact(text) {
  const found = {};
  const note = (kind) => { found[kind] = (found[kind] ?? 0) + 1; return `[REDACTED:${kind}]`; };
  let out = text;
  for (const { kind, re } of rules) out = out.replace(re, () => note(kind));
  out = out.replace(urlCredentials, (m, scheme, user, pass) => (placeholder(pass) ? m : `${scheme}${user}:${note('url-password')}@`));
  out = out.replace(bearer, (m, prefix, token) => (token.startsWith('[REDACTED') ? m : `${prefix}${note('bearer-token')}`));
  out = out.replace(assignment, (m, q, key, sep, vq, value) => (placeholder(value) ? m : `${q}${key}${q}${sep}${vq}${note('secret-value')}${vq}`));
  return { text: out, found };
}

/** Redacts every string of a JSON value; returns the new value and what was found. */
export function redactValue(value) {
  const found = {};
  const merge = (f) => { for (const [k, n] of Object.entries(f)) found[k] = (found[k] ?? 0) + n; };
  const walk = (v) => {
    if (typeof v === 'string') {
      const r = redact(v);
      merge(r.found);
      return r.text;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') {
      const o = {};
      for (const [k, x] of Object.entries(v)) o[k] = walk(x);
      return o;
    }
    return v;
  };
  return { value: walk(value), found };
}

export function summary(found) {
  return Object.entries(found).map(([k, n]) => `${n} ${k}`).join(', ');
}
