/** The epcis adapter as the registry hands it out: a format-only definition that meets the contract. */
import { describe, expect, test } from 'vitest';
import { PlatformError } from '../../../src/adapters/errors.js';
import { builtInAdapter } from '../../../src/adapters/registry.js';
import { contractProblems } from '../../../src/adapters/define.js';
import { epcisSchemaErrors, fixture } from './support.js';

describe('epcis adapter', () => {
  test('is a built-in that meets the adapter contract and declares no platform I/O', async () => {
    const adapter = await builtInAdapter('epcis');
    expect(contractProblems(adapter)).toEqual([]);
    expect(adapter.capabilities).toEqual({
      read: false,
      write: false,
      changeFeed: false,
      batchWriteSize: 1,
      finality: 'immediate',
      writes: [],
    });
    expect(adapter.authoritative).toEqual([]);
  });

  test('connect refuses with an unrecoverable error saying no repository client is configured', async () => {
    const adapter = await builtInAdapter('epcis');
    let failure: unknown;
    try {
      adapter.connect({ url: 'http://localhost:1', apiKey: 'k' });
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(PlatformError);
    expect(failure).toMatchObject({ failure: 'unrecoverable', adapter: 'epcis' });
    expect((failure as Error).message).toMatch(/no EPCIS repository client is configured/);
  });

  test('fromCanonical is pure: the same record gives the same schema-valid document', async () => {
    const adapter = await builtInAdapter('epcis');
    const record = fixture('rough-sold.json');
    const first = adapter.fromCanonical(record);
    expect(adapter.fromCanonical(record)).toEqual(first);
    expect(epcisSchemaErrors(first.value)).toEqual([]);
    expect((first.value as { creationDate: string }).creationDate).toBe('2024-03-09T08:20:00.000Z');
  });
});
