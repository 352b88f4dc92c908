// The dashboard of the OAuth clients mock. It speaks only the control API (/__mock), the JSON
// routes curl and ControlClient use, on the page's own origin: it works against a container too.
// Live: it reads GET /__mock/events with fetch (not EventSource, which cannot send the control
// token or the session header) and reloads the parts whose version moved.

const SESSION_KEY = 'qlik-oauth-clients-mock.session';
const TOKEN_KEY = 'qlik-oauth-clients-mock.control-token';
const CLIENT_PAGE_SIZE = 20;
const REQUEST_ROWS = 100;
const RECONNECT_MS = 1000;

const $ = (id) => document.getElementById(id);

const state = {
  /** The session looked at; 'default' sends no x-mock-session header. */
  session: sessionStorage.getItem(SESSION_KEY) ?? 'default',
  token: sessionStorage.getItem(TOKEN_KEY) ?? '',
  /** The versions of the last change event: a part whose version moved is reloaded. */
  versions: undefined,
  clients: { filter: '', cursor: undefined, page: 1, last: undefined, open: new Set() },
  requests: { last: [], open: new Set(), newest: 0, rendered: false },
};

class ControlError extends Error {
  constructor(status, body) {
    super(body?.errors?.[0]?.detail ?? `The control API answered ${status}.`);
    this.status = status;
  }
}

// ---------------------------------------------------------------------------
// The control API

function controlHeaders({ json = false, session = true } = {}) {
  const headers = {};
  if (json) headers['content-type'] = 'application/json';
  if (state.token) headers.authorization = `Bearer ${state.token}`;
  if (session && state.session !== 'default') headers['x-mock-session'] = state.session;
  return headers;
}

/**
 * One control call. `session: false` for what is the same in every session (the list of
 * sessions, scenarios, operations): a call with the header would make the session anew.
 */
async function control(method, path, { body, session = true } = {}) {
  for (;;) {
    const json = body !== undefined;
    const response = await fetch(`/__mock${path}`, {
      method,
      headers: controlHeaders({ json, session }),
      body: json ? (typeof body === 'string' ? body : JSON.stringify(body)) : undefined,
    });
    if (response.status === 401) {
      await askForToken();
      continue;
    }
    const text = await response.text();
    let parsed;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!response.ok) throw new ControlError(response.status, parsed);
    return parsed;
  }
}

let tokenPrompt;

/** Asks once for every call that met a 401; the token is kept for this tab (sessionStorage). */
function askForToken() {
  tokenPrompt ??= new Promise((resolve) => {
    const dialog = $('token-dialog');
    if (state.token) $('token-message').textContent = 'The mock refused that token. Enter the one it was started with (--control-token).';
    $('token').value = '';
    $('token-form').onsubmit = (event) => {
      event.preventDefault();
      const token = $('token').value.trim();
      if (!token) return;
      state.token = token;
      sessionStorage.setItem(TOKEN_KEY, token);
      dialog.close();
      tokenPrompt = undefined;
      resolve();
    };
    dialog.showModal();
  });
  return tokenPrompt;
}

// ---------------------------------------------------------------------------
// Live updates

let feed;

/** Follows the change feed of the current session for as long as the page is open, reconnecting after a drop. */
async function follow() {
  for (;;) {
    feed = new AbortController();
    // Whatever happened while the stream was down (or in another session): reload everything.
    state.versions = undefined;
    try {
      const response = await fetch('/__mock/events', { headers: controlHeaders(), signal: feed.signal });
      if (response.status === 401) {
        await askForToken();
        continue;
      }
      if (!response.ok || !response.body) throw new ControlError(response.status);
      setLive('live');
      await readEvents(response.body, onChange);
    } catch {
      if (feed.signal.aborted) continue; // the session changed: follow the new one at once
    }
    setLive('reconnecting');
    await new Promise((resolve) => setTimeout(resolve, RECONNECT_MS));
  }
}

/** Server-sent events from a stream: each `change` event's data, parsed, to `onEvent`. */
async function readEvents(body, onEvent) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    buffer += value.replaceAll('\r\n', '\n');
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const fields = {};
      for (const line of buffer.slice(0, end).split('\n')) {
        const colon = line.indexOf(':');
        if (colon > 0) fields[line.slice(0, colon)] = line.slice(colon + 1).trimStart();
      }
      buffer = buffer.slice(end + 2);
      if (fields.event === 'change' && fields.data) onEvent(JSON.parse(fields.data));
    }
  }
}

/** Which view shows which part of the change feed. */
const VIEWS = { data: 'clients', journal: 'requests', faults: 'faults' };

async function onChange(versions) {
  const previous = state.versions;
  const session = state.session;
  state.versions = versions;
  // Sessions first: when the one looked at has ended, the others must not ask for it (and so make it again).
  if (!previous || previous.sessions !== versions.sessions) {
    await refresh('sessions');
    if (state.session !== session) return; // it ended: the feed now follows the default session and reloads all
  }
  for (const [part, view] of Object.entries(VIEWS)) if (!previous || previous[part] !== versions[part]) refresh(view);
}

const loaders = { sessions: loadSessions, clients: loadClients, requests: loadRequests, faults: loadFaults };
const refreshing = {};

/** Reloads a view; a reload asked for while one runs makes one more afterwards, not one each. */
function refresh(view) {
  const run = (refreshing[view] ??= { running: undefined, again: false });
  if (run.running) {
    run.again = true;
    return run.running;
  }
  run.running = (async () => {
    try {
      do {
        run.again = false;
        await loaders[view]();
      } while (run.again);
    } catch (error) {
      problem(error.message);
    } finally {
      run.running = undefined;
    }
  })();
  return run.running;
}

function setLive(kind) {
  const live = $('live');
  live.dataset.state = kind;
  live.textContent = kind === 'live' ? 'Live' : 'Reconnecting…';
  if (kind === 'live') problem('');
}

// ---------------------------------------------------------------------------
// Small DOM helpers (text is always set as text: names come from the API's callers)

function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  element.append(...children.flat().filter((child) => child !== undefined && child !== null && child !== false));
  return element;
}

/** Replaces a table body's rows; the focused control, if it was in there, keeps the focus. */
function replaceRows(tbody, rows) {
  const focused = tbody.contains(document.activeElement) ? document.activeElement.dataset.focus : undefined;
  tbody.replaceChildren(...rows);
  if (focused) tbody.querySelector(`[data-focus="${CSS.escape(focused)}"]`)?.focus();
}

function announce(message) {
  $('status').textContent = message;
}

function problem(message, element = $('problem')) {
  element.textContent = message;
  element.hidden = !message;
}

/** A user action: its failure is shown, not thrown. */
const action = (run) => async (event) => {
  event?.preventDefault?.();
  try {
    problem('');
    await run(event);
  } catch (error) {
    problem(error.message);
  }
};

const timeOfDay = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', fractionalSecondDigits: 3, hour12: false });
const day = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
/** Stored times may carry microseconds, which Date does not promise to parse: milliseconds are enough. */
const time = (iso, format) => {
  const date = new Date(iso.replace(/(\.\d{3})\d+/, '$1'));
  return h('time', { datetime: iso }, Number.isNaN(date.getTime()) ? iso : format.format(date));
};
const statusClass = (status) => (status === 0 ? 'dropped' : `s${String(status)[0]}xx`);

function fillOperations(select, operations) {
  select.append(...operations.map((op) => h('option', { value: op.operationId }, `${op.operationId} (${op.method} ${op.path})`)));
}

// ---------------------------------------------------------------------------
// Sessions

async function loadSessions() {
  const { sessions } = await control('GET', '/sessions', { session: false });
  const names = sessions.map((s) => s.name);
  if (!names.includes(state.session)) {
    if (state.session !== 'default') announce(`Session ${state.session} has ended; showing the default session.`);
    switchSession('default');
  }
  $('session').replaceChildren(...names.map((name) => h('option', { value: name }, name)));
  $('session').value = state.session;
}

function switchSession(name) {
  if (name === state.session) return;
  state.session = name;
  sessionStorage.setItem(SESSION_KEY, name);
  state.clients = { filter: state.clients.filter, cursor: undefined, page: 1, last: undefined, open: new Set() };
  state.requests = { last: [], open: new Set(), newest: 0, rendered: false };
  state.versions = undefined;
  feed?.abort();
}

// ---------------------------------------------------------------------------
// Clients

function clientsQuery(filter, cursor) {
  const query = new URLSearchParams({ limit: String(CLIENT_PAGE_SIZE), totalResults: 'true' });
  if (filter) query.set('filter', filter);
  if (cursor) query.set(cursor.dir, cursor.token);
  return `/clients?${query}`;
}

async function loadClients() {
  const c = state.clients;
  try {
    renderClients(await control('GET', clientsQuery(c.filter, c.cursor)));
  } catch (error) {
    // The page's cursor no longer fits (a restart signs with a new key): start again at the first page.
    if (error.status !== 400 || !c.cursor) throw error;
    c.cursor = undefined;
    c.page = 1;
    renderClients(await control('GET', clientsQuery(c.filter)));
  }
}

function renderClients(page) {
  const c = state.clients;
  c.last = page;
  const rows = page.clients.flatMap((client, i) => {
    const key = `${client.clientId} ${client.tenantId}`;
    const open = c.open.has(key);
    const detail = `client-detail-${i}`;
    const toggle = h(
      'button',
      {
        type: 'button',
        class: 'link mono',
        'aria-expanded': String(open),
        'aria-controls': open ? detail : undefined,
        'data-focus': `client ${key}`,
        onclick: () => {
          if (!c.open.delete(key)) c.open.add(key);
          renderClients(c.last);
        },
      },
      client.clientId,
    );
    const row = h(
      'tr',
      {},
      h('td', {}, toggle),
      h('td', {}, client.clientName),
      h('td', {}, client.appType),
      h('td', { class: 'mono' }, client.tenantId),
      h('td', { class: 'num' }, String(client.secrets)),
      h('td', { class: 'nowrap' }, time(client.createdAt, day)),
    );
    if (!open) return [row];
    return [row, h('tr', { class: 'detail', id: detail }, h('td', { colspan: 6 }, h('pre', {}, JSON.stringify(client, null, 2))))];
  });
  replaceRows($('clients-table').tBodies[0], rows);
  $('clients-empty').hidden = page.clients.length > 0;
  const matching = c.filter ? 'match the filter' : 'stored';
  $('clients-summary').textContent = `${page.totalResults} ${page.totalResults === 1 ? 'client' : 'clients'} ${matching} in session ${state.session}, all tenants · page ${c.page}`;
  $('clients-prev').disabled = !page.prev;
  $('clients-next').disabled = !page.next;
}

function turnPage(dir) {
  const c = state.clients;
  const token = c.last?.[dir];
  if (!token) return;
  c.cursor = { dir, token };
  c.page += dir === 'next' ? 1 : -1;
  refresh('clients');
}

async function applyFilter() {
  const filter = $('client-filter-text').value.trim();
  const input = $('client-filter-text');
  let page;
  try {
    page = await control('GET', clientsQuery(filter));
  } catch (error) {
    if (error.status !== 400) throw error;
    input.setAttribute('aria-invalid', 'true');
    problem(error.message, $('client-filter-problem'));
    return;
  }
  input.removeAttribute('aria-invalid');
  problem('', $('client-filter-problem'));
  Object.assign(state.clients, { filter, cursor: undefined, page: 1 });
  renderClients(page);
}

// ---------------------------------------------------------------------------
// Requests

async function loadRequests() {
  const query = new URLSearchParams({ limit: String(REQUEST_ROWS) });
  const operationId = $('request-operation').value;
  if (operationId) query.set('operationId', operationId);
  const status = $('request-status').value.trim();
  const validStatus = /^\d{1,3}$/.test(status);
  $('request-status').toggleAttribute('aria-invalid', status !== '' && !validStatus);
  if (validStatus) query.set('status', status);
  const { requests } = await control('GET', `/requests?${query}`);
  renderRequests(requests.reverse());
}

function renderRequests(entries) {
  const r = state.requests;
  const newest = r.newest;
  r.last = entries;
  const rows = entries.flatMap((entry) => {
    const open = r.open.has(entry.id);
    const detail = `request-detail-${entry.id}`;
    const toggle = h(
      'button',
      {
        type: 'button',
        class: 'link',
        'aria-expanded': String(open),
        'aria-controls': open ? detail : undefined,
        'data-focus': `request ${entry.id}`,
        onclick: () => {
          if (!r.open.delete(entry.id)) r.open.add(entry.id);
          renderRequests(r.last);
        },
      },
      h('span', { class: 'method' }, entry.method),
      ' ',
      entry.path,
    );
    const row = h(
      'tr',
      { class: r.rendered && entry.id > newest ? 'fresh' : undefined },
      h('td', {}, time(entry.time, timeOfDay)),
      h('td', {}, entry.session),
      h('td', {}, toggle, entry.operationId && h('span', { class: 'operation mono' }, entry.operationId)),
      h('td', {}, h('span', { class: `badge ${statusClass(entry.status)}` }, entry.status === 0 ? 'dropped' : String(entry.status))),
      h('td', { class: 'num' }, entry.durationMs.toFixed(1)),
      h('td', { class: 'mono id' }, entry.fault ?? ''),
    );
    return open ? [row, h('tr', { class: 'detail', id: detail }, h('td', { colspan: 6 }, requestDetail(entry)))] : [row];
  });
  r.newest = Math.max(newest, ...entries.map((e) => e.id));
  r.rendered = true;
  replaceRows($('requests-table').tBodies[0], rows);
  $('requests-empty').hidden = entries.length > 0;
  $('requests-summary').textContent = entries.length === REQUEST_ROWS ? `The newest ${REQUEST_ROWS} requests, newest first.` : '';
}

function requestDetail(entry) {
  const facts = [
    ['Status', entry.status === 0 ? '0 (connection dropped)' : String(entry.status)],
    ['Error', entry.error?.detail],
    ['Trace id', entry.error?.traceId],
    ['Fault', entry.fault],
    ['Operation', entry.operationId ?? 'none (no operation has this path and method)'],
    ['Session', entry.session],
    ['Time', entry.time],
    ['Duration', `${entry.durationMs} ms`],
  ].filter(([, value]) => value !== undefined);
  const list = (pairs) => h('dl', {}, pairs.flatMap(([name, value]) => [h('dt', {}, name), h('dd', {}, value)]));
  const query = Object.entries(entry.query).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : value]);
  return h(
    'div',
    { class: 'request-detail' },
    list(facts),
    query.length > 0 && [h('h3', {}, 'Query'), list(query)],
    h('h3', {}, 'Headers (as journaled: credentials redacted)'),
    list(Object.entries(entry.headers)),
    h('h3', {}, entry.bodyTruncated ? 'Body (cut at 64 KiB)' : 'Body'),
    entry.body === undefined ? h('p', { class: 'hint' }, 'No body.') : h('pre', {}, typeof entry.body === 'string' ? entry.body : JSON.stringify(entry.body, null, 2)),
    entry.operationId &&
      h(
        'button',
        {
          type: 'button',
          onclick: action(async () => {
            const rule = await control('POST', '/faults', { body: { status: 503, operationId: entry.operationId, times: 1 } });
            announce(`Added ${rule.id}: the next ${entry.operationId} call answers 503.`);
            refresh('faults');
          }),
        },
        `Fail the next ${entry.operationId} call (503)`,
      ),
  );
}

// ---------------------------------------------------------------------------
// Fault rules

async function loadFaults() {
  const { faults } = await control('GET', '/faults');
  const rows = faults.map((rule, i) => {
    const name = `fault-name-${i}`;
    return h(
      'tr',
      {},
      h('td', { class: 'mono id', id: name }, rule.id, rule.description && h('div', { class: 'hint' }, rule.description)),
      h('td', {}, describeAnswer(rule)),
      h('td', {}, describeMatch(rule)),
      h('td', {}, describeFrequency(rule)),
      h('td', { class: 'num' }, String(rule.hits)),
      h('td', { class: 'num' }, rule.remaining === null ? 'unlimited' : String(rule.remaining)),
      h(
        'td',
        { class: 'action' },
        h(
          'button',
          {
            type: 'button',
            'aria-describedby': name,
            'data-focus': `fault ${rule.id}`,
            onclick: action(async () => {
              await control('DELETE', `/faults/${encodeURIComponent(rule.id)}`);
              announce(`Deleted ${rule.id}.`);
              refresh('faults');
            }),
          },
          'Delete',
        ),
      ),
    );
  });
  replaceRows($('faults-table').tBodies[0], rows);
  $('faults-empty').hidden = faults.length > 0;
  $('delete-all-rules').disabled = faults.length === 0;
}

function describeAnswer(rule) {
  const parts = [];
  if (rule.connection === 'reset') parts.push('drop the connection');
  else if (rule.connection === 'malformed-json') parts.push(`${rule.status ?? 200} with malformed JSON`);
  else if (rule.status !== undefined) parts.push(String(rule.status));
  if (rule.delayMs) parts.push(`${parts.length ? 'after' : 'delay'} ${rule.delayMs} ms`);
  return parts.join(' ');
}

function describeMatch(rule) {
  const parts = [];
  if (rule.operationId) parts.push(rule.operationId);
  if (rule.method) parts.push(rule.method);
  if (rule.path) parts.push(`path ${rule.path}`);
  if (rule.clientId) parts.push(`client ${rule.clientId}`);
  if (rule.header) parts.push(`${rule.header.name}: ${rule.header.value}`);
  return parts.length ? parts.join(', ') : 'every API request';
}

function describeFrequency(rule) {
  const parts = [];
  if (rule.times !== undefined) parts.push(`next ${rule.times}`);
  if (rule.probability !== undefined) parts.push(`${Math.round(rule.probability * 1000) / 10}% (seed ${rule.seed ?? 1})`);
  return parts.length ? parts.join(', ') : 'always';
}

async function addRule() {
  const number = (id) => {
    const text = $(id).value.trim();
    return text === '' ? undefined : Number(text);
  };
  const rule = {
    status: number('fault-status'),
    operationId: $('fault-operation').value || undefined,
    times: number('fault-times'),
    probability: number('fault-probability'),
    delayMs: number('fault-delay'),
  };
  try {
    const added = await control('POST', '/faults', { body: rule });
    problem('', $('fault-problem'));
    announce(`Added ${added.id}: ${describeAnswer(added)} on ${describeMatch(added)}, ${describeFrequency(added)}.`);
  } catch (error) {
    if (error.status !== 400) throw error;
    problem(error.message, $('fault-problem'));
    return;
  }
  refresh('faults');
}

// ---------------------------------------------------------------------------
// Scenarios, reset, state as a file

async function loadScenarios() {
  const { scenarios } = await control('GET', '/scenarios', { session: false });
  const rows = scenarios.map((scenario, i) => {
    const name = `scenario-name-${i}`;
    return h(
      'tr',
      {},
      h('td', { class: 'mono id', id: name }, scenario.name),
      h('td', { class: 'text' }, scenario.description),
      h(
        'td',
        { class: 'action' },
        h(
          'button',
          {
            type: 'button',
            'aria-describedby': name,
            onclick: action(async () => {
              const result = await control('POST', `/scenarios/${encodeURIComponent(scenario.name)}`);
              announce(`Applied ${result.scenario}: ${result.clients} clients, ${result.faults.length} fault rules.`);
              firstClientsPage();
            }),
          },
          'Apply',
        ),
      ),
    );
  });
  replaceRows($('scenarios-table').tBodies[0], rows);
}

function firstClientsPage() {
  Object.assign(state.clients, { cursor: undefined, page: 1 });
  refresh('clients');
  refresh('faults');
}

async function reset() {
  const result = await control('POST', '/reset');
  announce(`Reset: ${result.clients} clients, ${result.faults} fault rules, an empty journal.`);
  firstClientsPage();
}

async function download() {
  const snapshot = await control('GET', '/state');
  const url = URL.createObjectURL(new Blob([`${JSON.stringify(snapshot, null, 2)}\n`], { type: 'application/json' }));
  const link = h('a', { href: url, download: `oauth-clients-mock-${state.session}.json`, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  announce(`Downloaded the state of session ${state.session}: ${snapshot.clients.length} clients.`);
}

async function upload() {
  const input = $('upload');
  const [file] = input.files;
  if (!file) return;
  input.value = '';
  try {
    const result = await control('PUT', '/state', { body: await file.text() });
    announce(`Loaded ${file.name}: ${result.clients} clients.`);
  } catch (error) {
    throw new Error(`${file.name} was refused: ${error.message}`);
  }
  firstClientsPage();
}

// ---------------------------------------------------------------------------
// Start

function wire() {
  $('session').addEventListener('change', (event) => switchSession(event.target.value));
  $('reset').addEventListener('click', action(reset));
  $('download').addEventListener('click', action(download));
  $('upload').addEventListener('change', action(upload));
  $('client-filter').addEventListener('submit', action(applyFilter));
  $('clients-prev').addEventListener('click', () => turnPage('prev'));
  $('clients-next').addEventListener('click', () => turnPage('next'));
  $('request-operation').addEventListener('change', () => refresh('requests'));
  $('request-status').addEventListener('input', () => refresh('requests'));
  $('request-filters').addEventListener('submit', (event) => event.preventDefault());
  $('clear-requests').addEventListener(
    'click',
    action(async () => {
      await control('DELETE', '/requests');
      refresh('requests');
    }),
  );
  $('fault-form').addEventListener('submit', action(addRule));
  $('delete-all-rules').addEventListener(
    'click',
    action(async () => {
      await control('DELETE', '/faults');
      announce('Deleted every fault rule.');
      refresh('faults');
    }),
  );
  // Without the token nothing works: Escape does not close its dialog.
  $('token-dialog').addEventListener('cancel', (event) => event.preventDefault());
}

async function start() {
  wire();
  try {
    const { operations } = await control('GET', '/operations', { session: false });
    fillOperations($('fault-operation'), operations);
    fillOperations($('request-operation'), operations);
    await Promise.all([loadScenarios(), loadSessions()]);
  } catch (error) {
    problem(error.message);
  }
  follow();
}

start();
