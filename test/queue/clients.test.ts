import { describe, expect, it } from 'vitest';
import { loadAdapters } from '../../src/adapters/registry.js';
import { loadConfig } from '../../src/config.js';
import { sandboxParticipant } from '../../src/ops/processes.js';
import { adaptersInPlay, connectClients } from '../../src/connect-clients.js';

describe('connectClients', () => {
  it('names why each platform is left unconnected', async () => {
    const adapters = await loadAdapters();
    const { clients, unconnected } = connectClients(loadConfig({}, {}), adapters, {});
    expect([...clients.keys()]).toEqual(['gia']);
    expect(unconnected).toEqual([
      { adapter: 'epcis', reason: 'TRACEBRIDGE_EPCIS_URL is not set' },
      {
        adapter: 'tracr',
        reason:
          'a ledger key is needed to sign transactions: TRACEBRIDGE_ORGS tracr.privateKey or privateKeyFile, or TRACR_PARTICIPANT_ID and TRACR_PRIVATE_KEY',
      },
    ]);
  });

  it('connects the EPCIS repository named by TRACEBRIDGE_EPCIS_URL, checking its options', async () => {
    const adapters = await loadAdapters({ enabled: ['epcis'] });
    const env = { TRACEBRIDGE_EPCIS_URL: 'http://127.0.0.1:4103', TRACEBRIDGE_EPCIS_PAGE_SIZE: '25' };
    expect([...connectClients(loadConfig({}, {}), adapters, env).clients.keys()]).toEqual(['epcis']);
    expect(() =>
      connectClients(loadConfig({}, {}), adapters, { ...env, TRACEBRIDGE_EPCIS_PAGE_SIZE: 'many' }),
    ).toThrow('TRACEBRIDGE_EPCIS_PAGE_SIZE');
  });
});

describe('adaptersInPlay', () => {
  it('leaves out an adapter that was not connected, so no stone is queued for it', async () => {
    const adapters = await loadAdapters();
    const { clients } = connectClients(loadConfig({}, {}), adapters, {});
    expect([...adaptersInPlay(adapters, clients).keys()]).toEqual(['gia']);
  });
});

describe('connecting the built-in adapters from their own options', () => {
  it('signs as the participant the older TRACR_* names give, and hands the shorthand on', async () => {
    const adapters = await loadAdapters({ enabled: ['tracr'] });
    const env = {
      TRACR_URL: 'http://127.0.0.1:4101',
      TRACR_PARTICIPANT_ID: sandboxParticipant.participantId,
      TRACR_PRIVATE_KEY: sandboxParticipant.privateKey,
    };
    const connected = connectClients(loadConfig({}, {}), adapters, env);
    expect([...connected.clients.keys()]).toEqual(['tracr']);
    expect(connected.options.get('tracr')).toMatchObject({
      url: 'http://127.0.0.1:4101',
      apiKey: 'tracr-sandbox-key',
      participantId: 'demo-mining',
    });
  });

  it('lets options given in code win over the environment', async () => {
    const adapters = await loadAdapters({ enabled: ['gia'] });
    const config = loadConfig({ adapterOptions: { gia: { url: 'http://127.0.0.1:9/graphql' } } }, {});
    const connected = connectClients(config, adapters, { GIA_URL: 'http://127.0.0.1:4102/graphql' });
    expect(connected.options.get('gia')?.['url']).toBe('http://127.0.0.1:9/graphql');
  });
});
