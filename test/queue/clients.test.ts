import { describe, expect, it } from 'vitest';
import { loadAdapters } from '../../src/adapters/registry.js';
import { loadConfig } from '../../src/config.js';
import { connectClients } from '../../src/queue/clients.js';

describe('connectClients', () => {
  it('skips a format-only adapter (EPCIS) silently and names why a platform is left unconnected', async () => {
    const adapters = await loadAdapters();
    expect(adapters.has('epcis')).toBe(true);
    const { clients, unconnected } = connectClients(loadConfig({}, {}), adapters, {});
    expect([...clients.keys()]).toEqual(['gia']);
    expect(unconnected).toEqual([
      {
        adapter: 'tracr',
        reason: 'TRACR_PARTICIPANT_ID and TRACR_PRIVATE_KEY are needed to sign ledger transactions',
      },
    ]);
  });
});
