import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Context } from 'hono';
import type { AppEnv } from '../http/env.js';
import { ApiError } from '../http/errors.js';

/** The dashboard's files: beside contract/ and fixtures/, so the same path works from src/ and dist/. */
export const UI_DIR = fileURLToPath(new URL('../../ui/', import.meta.url));

/** Every file the page is made of, and its type: nothing else is served from the folder. */
const TYPES: Readonly<Record<string, string>> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
};
export const UI_FILES = Object.keys(TYPES);

/**
 * The page speaks only to its own origin: no inline script or style, no frames, no plugins, no
 * form posts. `data:` images only for the empty favicon (without one the browser would ask the
 * API for /favicon.ico, and the journal would show it).
 */
const CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

interface UiFile {
  body: string;
  etag: string;
  type: string;
}

const files = new Map<string, UiFile>();

/** A file of the page, read once, then served from memory. */
function uiFile(name: string): UiFile {
  let file = files.get(name);
  if (!file) {
    let body: string;
    try {
      body = readFileSync(`${UI_DIR}${name}`, 'utf8');
    } catch (error) {
      throw new ApiError(500, `The dashboard's file ui/${name} is missing from this installation (${(error as NodeJS.ErrnoException).code}).`);
    }
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
    files.set(name, (file = { body, etag, type: TYPES[name] }));
  }
  return file;
}

/**
 * GET /__mock/ui and /__mock/ui/{file}. The files hold no data (the page fetches everything
 * from the control API, token and session included), so they are served without the control token.
 * `no-cache` with an ETag: a browser revalidates each load (a 304, no body) and sees a new version at once.
 */
export function serveUi(c: Context<AppEnv>, name: string): Response {
  if (!Object.hasOwn(TYPES, name)) throw new ApiError(404, `The dashboard has no file "${name}"; it is served at /__mock/ui.`);
  const file = uiFile(name);
  const headers: Record<string, string> = {
    'content-type': file.type,
    'cache-control': 'no-cache',
    etag: file.etag,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'content-security-policy': CONTENT_SECURITY_POLICY,
  };
  const seen = c.req.header('if-none-match');
  if (seen !== undefined && seen.split(',').some((tag) => tag.trim() === file.etag)) return c.body(null, 304, headers);
  return c.body(file.body, 200, headers);
}

/** The paths the control token does not guard: the page's own files. */
export const isUiPath = (path: string): boolean => path === '/__mock/ui' || path.startsWith('/__mock/ui/');

/** Control paths open without the control token: the health check (container healthchecks) and the dashboard's files, which hold no data. */
export const isOpenWithoutToken = (path: string): boolean => path === '/__mock/health' || isUiPath(path);
