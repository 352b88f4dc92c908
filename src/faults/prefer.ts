import { MAX_DELAY_MS } from './rules.js';

export interface PreferFault {
  /** Answer with this error status (400-599). */
  code?: number;
  /** Delay the answer by this many milliseconds (capped at MAX_DELAY_MS). */
  delayMs?: number;
}

export class PreferError extends Error {
  override name = 'PreferError';
}

/**
 * Reads Prism's per-request convention from a `Prefer` header (RFC 7240): `code=503`,
 * `delay=250`, or both (`code=503, delay=250`; `,` or `;` separate them). Other preferences
 * (e.g. `return=minimal`) and repeats of one already read are ignored. A `code` outside
 * 400-599 or a `delay` that is not a whole number is a PreferError (answered 400): a typo
 * should not pass silently.
 * Returns undefined when the header asks for neither.
 */
export function parsePrefer(header: string | undefined): PreferFault | undefined {
  if (!header) return undefined;
  let result: PreferFault | undefined;
  for (const part of header.split(/[,;]/)) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim().toLowerCase();
    // RFC 7240 §2: a preference given twice counts once, the first time; later ones are ignored.
    if ((name === 'code' && result?.code !== undefined) || (name === 'delay' && result?.delayMs !== undefined)) continue;
    const value = part.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
    if (name === 'code') {
      const code = /^\d{3}$/.test(value) ? Number(value) : NaN;
      if (!(code >= 400 && code <= 599)) {
        throw new PreferError(`Prefer: code=${value} is not supported; the mock can force error statuses only (400-599).`);
      }
      (result ??= {}).code = code;
    } else if (name === 'delay') {
      if (!/^\d+$/.test(value)) throw new PreferError(`Prefer: delay=${value} must be a whole number of milliseconds.`);
      (result ??= {}).delayMs = Math.min(Number(value), MAX_DELAY_MS);
    }
  }
  return result;
}
