/**
 * Paging links are ABSOLUTE URLs (FACTS.md: the SDK follows them verbatim). The origin is the
 * configured public base URL, else the one a proxy forwarded, else the request's own.
 */
export function requestOrigin(request: Request, publicBaseUrl: string | undefined, parsed?: URL): string {
  if (publicBaseUrl) return publicBaseUrl.replace(/\/+$/, '');
  const url = parsed ?? new URL(request.url);
  const proto = firstValue(request.headers.get('x-forwarded-proto'));
  const host = firstValue(request.headers.get('x-forwarded-host'));
  const scheme = proto && /^https?$/i.test(proto) ? proto.toLowerCase() : url.protocol.slice(0, -1);
  const authority = host && /^[A-Za-z0-9.-]+(?::\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](?::\d{1,5})?$/.test(host) ? host : url.host;
  return `${scheme}://${authority}`;
}

const firstValue = (header: string | null): string | undefined => header?.split(',')[0]?.trim() || undefined;

/** A link to the same list with the given query parameters (in a stable order). */
export function listLink(origin: string, path: string, params: Record<string, string | undefined>): { href: string } {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined) query.set(name, value);
  const search = query.toString();
  return { href: `${origin}${path}${search ? `?${search}` : ''}` };
}
