import { readFileSync } from 'node:fs';
import type { Context } from 'hono';
import type { AppEnv } from '../http/env.js';
import { requestOrigin } from '../http/links.js';
import type { MockRuntime } from '../runtime/mock-runtime.js';

let version: string | undefined;
const packageVersion = (): string =>
  (version ??= (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version);

/** What the front door says, as JSON: where everything is. */
function frontDoorInfo(runtime: MockRuntime, origin: string) {
  const api = `${origin}/api/v1/oauth-clients`;
  return {
    name: 'qlik-oauth-clients-mock',
    version: packageVersion(),
    description: "A stateful mock of Qlik Cloud's OAuth clients APIs: the tenant-level /api/v1/oauth-clients (what @qlik/api calls) and the organization-level /api/core/oauth-clients.",
    api: { v1: api, core: `${origin}/api/core/oauth-clients`, token: `${origin}/oauth/token` },
    try: `curl -H 'Authorization: Bearer any-token' '${api}?limit=2'`,
    documents: {
      v1: `${origin}/__mock/openapi.v1.json`,
      core: `${origin}/__mock/openapi.json`,
      control: `${origin}/__mock/control.openapi.json`,
    },
    control: `${origin}/__mock`,
    dashboard: `${origin}/__mock/ui`,
    health: `${origin}/__mock/health`,
    scenarios: [...runtime.scenarios.keys()],
  };
}

const escape = (text: string): string => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

function frontDoorHtml(info: ReturnType<typeof frontDoorInfo>): string {
  const link = (href: string, text = href) => `<a href="${escape(href)}">${escape(text)}</a>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>qlik-oauth-clients-mock</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem;color:#1d1d1f}code,pre{font:14px ui-monospace,monospace;background:#f3f3f5;border-radius:4px}pre{padding:.75rem;overflow-x:auto}dt{font-weight:600;margin-top:.5rem}</style>
</head><body>
<h1>qlik-oauth-clients-mock <small>${escape(info.version)}</small></h1>
<p>${escape(info.description)}</p>
<h2>Try it</h2>
<pre><code>${escape(info.try)}</code></pre>
<p>Any bearer token acts as the organization's owner; see the README for the named tokens (a non-admin user, a second tenant).</p>
<h2>Where things are</h2>
<dl>
<dt>Tenant API (v1)</dt><dd>${link(info.api.v1)}</dd>
<dt>Organization API (core)</dt><dd>${link(info.api.core)}</dd>
<dt>Token endpoint</dt><dd><code>POST ${escape(info.api.token)}</code></dd>
<dt>OpenAPI documents</dt><dd>${link(info.documents.v1, 'v1')} · ${link(info.documents.core, 'core')} · ${link(info.documents.control, 'control API')}</dd>
<dt>Dashboard</dt><dd>${link(info.dashboard)}</dd>
<dt>Health</dt><dd>${link(info.health)}</dd>
<dt>Scenarios</dt><dd>${info.scenarios.map((s) => `<code>${escape(s)}</code>`).join(' ') || '(none)'} — ${link(`${info.control}/scenarios`, 'details')}</dd>
</dl>
</body></html>
`;
}

/**
 * `GET /`: what this is and where everything is, as a small HTML page for a browser, or as
 * JSON for anything that does not ask for HTML (curl, scripts, `Accept: application/json`).
 */
export function frontDoor(runtime: MockRuntime) {
  return (c: Context<AppEnv>): Response => {
    const info = frontDoorInfo(runtime, requestOrigin(c.req.raw, runtime.publicBaseUrl));
    // The answer depends on Accept (and, as every answer, on Origin): a cache must tell them apart.
    const vary = { vary: 'Accept, Origin' };
    if (!wantsHtml(c.req.header('accept'))) return c.json(info, 200, vary);
    return c.html(frontDoorHtml(info), 200, { ...vary, 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'", 'x-content-type-options': 'nosniff' });
  };
}

/**
 * Whether an Accept header asks for HTML: `text/html` named with a weight above 0 and at least
 * that of `application/json` (RFC 9110 §12.5.1). Wildcards choose nothing: curl's `*\/*` gets
 * JSON, a browser's `text/html,…,*\/*;q=0.8` the page.
 */
function wantsHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  let html = 0;
  let json = 0;
  for (const range of accept.split(',')) {
    const [type, ...params] = range.split(';').map((part) => part.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    if (!(weight >= 0 && weight <= 1)) continue;
    if (type === 'text/html') html = Math.max(html, weight);
    else if (type === 'application/json') json = Math.max(json, weight);
  }
  return html > 0 && html >= json;
}
