/**
 * The mock inside a Jest suite, in CommonJS: `require` loads the package's CommonJS build, so this
 * runs on Node 20 with Jest 30 and no flags (no --experimental-vm-modules, no transform).
 * Copy this file into your tests as it is:
 *
 *   npm install --save-dev qlik-oauth-clients-mock jest
 *   npx jest in-process.test.cjs
 *
 * Shipped in the package (node_modules/qlik-oauth-clients-mock/examples/); the package's own test
 * suite runs it from a fresh project that installed the packed tarball.
 */
const { ControlError, createApp, startMock } = require('qlik-oauth-clients-mock');

const API = '/api/core/oauth-clients';
const auth = { authorization: 'Bearer test' };

describe('createApp: no socket at all, for app.request()', () => {
  test('lists the embedded default clients', async () => {
    const app = createApp();
    const response = await app.request(`${API}?limit=5`, { headers: auth });
    expect(response.status).toBe(200);
    expect((await response.json()).data).toHaveLength(5);
  });
});

describe('startMock: a real port, driven through mock.control', () => {
  let mock;
  beforeAll(async () => {
    mock = await startMock({ port: 0, seedCount: 10, fakerSeed: 7 });
  });
  afterAll(() => mock.close());
  afterEach(() => mock.control.reset());

  const list = () => fetch(`${mock.url}${API}?totalResults=true`, { headers: auth });

  test('serves the fixtures and the faker clients', async () => {
    expect((await (await list()).json()).totalResults).toBe(25 + 10);
  });

  test('a fault rule: the next two list calls answer 503', async () => {
    await mock.control.addFault({ status: 503, operationId: 'readAllOAuthClientsQCC', times: 2 });
    expect([(await list()).status, (await list()).status, (await list()).status]).toEqual([503, 503, 200]);
  });

  test('a scenario, and the journal of what was sent', async () => {
    await mock.control.applyScenario('secret-limit-reached');
    const [client] = (await (await list()).json()).data;
    const answer = await fetch(`${mock.url}${API}/${client.clientId}/client-secrets`, { method: 'POST', headers: auth });
    expect(answer.status).toBe(409);
    const [sent] = await mock.control.requests({ method: 'POST' });
    expect(sent).toMatchObject({ operationId: 'createOAuthClientSecretQCC', status: 409 });
  });

  test('a refused control call throws a ControlError', async () => {
    await expect(mock.control.applyScenario('no-such-scenario')).rejects.toBeInstanceOf(ControlError);
  });
});
