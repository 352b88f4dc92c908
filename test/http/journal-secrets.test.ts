/**
 * No secret in the journal, ever: the token endpoint's client_secret and client_assertion are
 * masked whatever the body is (JSON or form, oversized, truncated, not JSON, too deep).
 */
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/index.js';

const SECRET = 'c0ffee'.repeat(10) + 'cafe';
const ASSERTION = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl-assertion';

async function journalOf(body: string, contentType: string) {
  const app = createApp();
  const response = await app.request('/oauth/token', { method: 'POST', headers: { 'content-type': contentType }, body });
  await response.text();
  const text = await (await app.request('/__mock/requests')).text();
  return { status: response.status, text, entry: (JSON.parse(text) as { requests: { body?: unknown; bodyTruncated?: boolean }[] }).requests[0] };
}

const padding = 'x'.repeat(70 * 1024);

describe('the journal never holds a credential of the token endpoint', () => {
  it.each([
    ['JSON', JSON.stringify({ grant_type: 'client_credentials', client_id: 'a', client_secret: SECRET }), 'application/json'],
    ['JSON over 64 KiB', JSON.stringify({ grant_type: 'client_credentials', client_id: 'a', padding, client_secret: SECRET }), 'application/json'],
    ['JSON with the secret nested', JSON.stringify({ grant_type: 'client_credentials', client_id: 'a', nested: [{ client_secret: SECRET }] }), 'application/json'],
    ['JSON with an escaped key', `{"grant_type":"client_credentials","client_id":"a","client\\u005fsecret":"${SECRET}"}`, 'application/json'],
    ['text that is not JSON', `{"client_secret": "${SECRET}", oops`, 'application/json'],
    ['JSON nested too deep', `${'['.repeat(70)}"${SECRET}"${']'.repeat(70)}`, 'application/json'],
    ['a form', `grant_type=client_credentials&client_id=a&client_secret=${SECRET}&client_assertion=${ASSERTION}`, 'application/x-www-form-urlencoded'],
    ['a form over 64 KiB, the secret before the cut', `client_secret=${SECRET}&padding=${padding}`, 'application/x-www-form-urlencoded'],
    ['a form over 64 KiB, the secret cut in two', `padding=${'y'.repeat(64 * 1024 - 'padding=&client_secret='.length - 10)}&client_secret=${SECRET}`, 'application/x-www-form-urlencoded'],
    ['a form with an encoded field name', `client%5Fsecret=${SECRET}&client_id=a`, 'application/x-www-form-urlencoded'],
    ['JSON sent as text/plain', JSON.stringify({ client_secret: SECRET }), 'text/plain'],
  ])('%s', async (_name, body, contentType) => {
    const { status, text } = await journalOf(body, contentType);
    expect(status).toBeGreaterThanOrEqual(400);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(SECRET.slice(0, 10));
    expect(text).not.toContain(ASSERTION);
  });

  it('keeps what it can show: the other fields, masked credentials, and a note instead of unreadable text', async () => {
    const json = await journalOf(JSON.stringify({ grant_type: 'client_credentials', client_id: 'a', client_secret: SECRET }), 'application/json');
    expect(json.entry.body).toEqual({ grant_type: 'client_credentials', client_id: 'a', client_secret: '[REDACTED]' });
    const broken = await journalOf(`{"client_secret": "${SECRET}", oops`, 'application/json');
    expect(broken.entry.body).toMatch(/^\[not journaled: \d+ characters that could not be read as JSON or a form/);
  });

  it.each([
    ['POST', '/oauth/token/'],
    ['PUT', '/oauth/token'],
    ['POST', '/oauth/tokens'],
  ])('nor of a token request sent astray: %s %s (no operation: masked as the token endpoint masks)', async (method, path) => {
    const app = createApp();
    for (const [body, type] of [
      [JSON.stringify({ grant_type: 'client_credentials', client_id: 'a', client_secret: SECRET }), 'application/json'],
      [`grant_type=client_credentials&client_id=a&client_secret=${SECRET}`, 'application/x-www-form-urlencoded'],
    ]) {
      const response = await app.request(path, { method, headers: { 'content-type': type }, body });
      expect(response.status).toBeGreaterThanOrEqual(404);
      await response.text();
    }
    const text = await (await app.request('/__mock/requests')).text();
    expect(text).not.toContain(SECRET);
    expect((JSON.parse(text) as { requests: { body?: unknown }[] }).requests[0].body).toEqual({ grant_type: 'client_credentials', client_id: 'a', client_secret: '[REDACTED]' });
  });

  it('nor in the query string, in the journal or the log line, when a client puts credentials in the URL', async () => {
    const lines: string[] = [];
    const app = createApp({ logLevel: 'info', logSink: (line) => lines.push(line) });
    const response = await app.request(`/oauth/token?client_id=a&client_secret=${SECRET}&client_assertion=${ASSERTION}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(response.status).toBe(400);
    const text = await (await app.request('/__mock/requests')).text();
    const [entry] = (JSON.parse(text) as { requests: { query: Record<string, string> }[] }).requests;
    expect(entry.query).toEqual({ client_id: 'a', client_secret: '[REDACTED]', client_assertion: '[REDACTED]' });
    for (const output of [text, lines.join('\n')]) {
      expect(output).not.toContain(SECRET.slice(0, 10));
      expect(output).not.toContain(ASSERTION);
    }
    expect(JSON.parse(lines[0]).path).toBe('/oauth/token?client_id=a&client_secret=%5BREDACTED%5D&client_assertion=%5BREDACTED%5D');
  });

  it('nor when the credential names come percent-encoded, on the token endpoint or the API', async () => {
    const lines: string[] = [];
    const app = createApp({ logLevel: 'info', logSink: (line) => lines.push(line) });
    for (const query of [`client%5Fsecret=${SECRET}`, `%63lient_secret=${SECRET}`, `client%5Fassertion=${ASSERTION}`, `%63%6C%69%65%6E%74%5F%73%65%63%72%65%74=${SECRET}&bad=%E0%A4%A`]) {
      for (const path of ['/oauth/token', '/api/v1/oauth-clients']) await (await app.request(`${path}?${query}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).text();
    }
    const text = await (await app.request('/__mock/requests')).text();
    const entries = (JSON.parse(text) as { requests: { query: Record<string, string> }[] }).requests;
    expect(entries).toHaveLength(8);
    for (const output of [text, lines.join('\n')]) {
      expect(output).not.toContain(SECRET.slice(0, 10));
      expect(output).not.toContain(ASSERTION);
    }
    for (const entry of entries) expect(Object.values(entry.query)).toContain('[REDACTED]');
  });
});
