import { describe, expect, it } from 'vitest';
// The plugin's own module, run here directly (the same code runs inside the component).
import { redact, redactValue } from '../../../plugins/secrets-redactor/src/redact.js';

// Realistic shapes, assembled at run time so that secret scanners do not flag this file.
const j = (...parts: string[]): string => parts.join('');
const secrets = {
  aws: j('AKIA', 'Z7QX4RB2NW5KJ3MT'),
  awsSecretLine: j('aws_secret_access_key = ', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCY', 'EXAMPLEKEY'),
  github: j('ghp_', '8Kd2mQx7Lr4Tz1Vb6Np0Yw3Hs9Jc5Fg2Ae7U'),
  githubPat: j('github_pat_', '11ABCDEFG0', 'x'.repeat(20), '_', 'Q9w8E7r6T5y4U3i2O1p0AsDfGhJkLzXcVbNmQwErTy'),
  openai: j('sk-proj-', 'Xb7Lq2Vn9Tz4Kd8Rw1Ys6Hm3Pc0Fj5Ga', 'Ue2Io8Nb4Wq7Ex1Rt9Yu6Ip3Oa5Sd2Fg'),
  anthropic: j('sk-ant-', 'api03-', 'Q2w3E4r5T6y7U8i9O0pAsDfGhJkLzXcVbNm-_Qwerty12345'),
  stripe: j('sk_live_', '51HqZ2eKx8T4nRw9', 'Lm3Vb7Yc'),
  slack: j('xoxb-', '123456789012-', '1234567890123-', 'AbCdEfGhIjKlMnOpQrStUvWx'),
  google: j('AIza', 'SyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY'),
  jwt: j('eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9', '.', 'eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ', '.', 'SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c'),
  npm: j('npm_', 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8'),
  privateKey: [j('-----BEGIN ', 'RSA PRIVATE KEY-----'), 'MIIEowIBAAKCAQEA7l2c9QfT3Q8xk1YbK0Kq', 'Vg3X7Zx1y2z3AbCdEfGhIjKlMnOpQrStUv==', j('-----END ', 'RSA PRIVATE KEY-----')].join('\n'),
};

describe('secrets-redactor', () => {
  it.each([
    ['aws-access-key-id', `export AWS_ACCESS_KEY_ID=${secrets.aws}`],
    ['github-token', `git remote set-url origin https://x:${secrets.github}@github.com/acme/app.git`],
    ['github-token', `GITHUB_TOKEN=${secrets.githubPat}`],
    ['openai-key', `OPENAI_API_KEY=${secrets.openai}`],
    ['anthropic-key', `client = Anthropic(api_key="${secrets.anthropic}")`],
    ['stripe-key', `Stripe.apiKey = "${secrets.stripe}";`],
    ['slack-token', `SLACK_BOT_TOKEN: ${secrets.slack}`],
    ['google-api-key', `const key = '${secrets.google}'`],
    ['jwt', `curl -H 'Authorization: Bearer ${secrets.jwt}' https://api`],
    ['npm-token', `//registry.npmjs.org/:_authToken=${secrets.npm}`],
    ['private-key', `cat id_rsa\n${secrets.privateKey}\n$ `],
  ])('masks a %s', (kind, text) => {
    const { text: out, found } = redact(text);
    expect(Object.keys(found).length).toBeGreaterThan(0);
    expect(out).toContain('[REDACTED:');
    expect(found[kind] ?? 0).toBeGreaterThanOrEqual(1);
    for (const secret of Object.values(secrets)) {
      if (text.includes(secret)) expect(out).not.toContain(secret);
    }
  });

  it('masks passwords in URLs and assignments but keeps the key names', () => {
    const text = [
      'DATABASE_URL=postgres://app:Tr0ub4dor-and-3@db.internal:5432/app',
      `${secrets.awsSecretLine}`,
      'db_password: "correct-horse-battery"',
      '{"clientSecret": "9f8e7d6c5b4a39281706"}',
    ].join('\n');
    const { text: out } = redact(text);
    expect(out).toContain('postgres://app:[REDACTED:url-password]@db.internal:5432/app');
    expect(out).toContain('aws_secret_access_key = [REDACTED:secret-value]');
    expect(out).toContain('db_password: "[REDACTED:secret-value]"');
    expect(out).toContain('"clientSecret": "[REDACTED:secret-value]"');
    expect(out).not.toMatch(/Tr0ub4dor|correct-horse|9f8e7d6c5b4a/);
  });

  it('leaves ordinary text, placeholders and code alone', () => {
    const text = [
      'password: <your password here>',
      'token = ${GITHUB_TOKEN}',
      'API_KEY=changeme',
      'const passwordField = document.querySelector("#pw")',
      'The build took 12.4s and 2 tests failed; see https://example.com/docs?page=2',
      'commit 3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39',
    ].join('\n');
    const { text: out, found } = redact(text);
    expect(found).toEqual({});
    expect(out).toBe(text);
  });

  it('redacts every string of an llm.request payload and reports what it found', () => {
    const { value, found } = redactValue({
      system: 'You help with deploys.',
      messages: [
        { role: 'user', content: `Why does this fail?\n${secrets.awsSecretLine}\nAccessDenied` },
        { role: 'assistant', content: 'Check the key.' },
        { role: 'user', content: `here is .env: STRIPE_KEY=${secrets.stripe}` },
      ],
    }) as { value: { system: string; messages: Array<{ content: string }> }; found: Record<string, number> };
    expect(value.system).toBe('You help with deploys.');
    expect(value.messages[0]!.content).toContain('[REDACTED:secret-value]');
    expect(value.messages[2]!.content).toContain('[REDACTED:stripe-key]');
    expect(found).toEqual({ 'secret-value': 1, 'stripe-key': 1 });
  });
});
