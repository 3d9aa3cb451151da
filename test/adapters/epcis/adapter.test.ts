/** The epcis adapter as the registry hands it out: a format-only definition that meets the contract. */
import { describe, expect, test } from 'vitest';
import { builtInAdapter } from '../../../src/adapters/registry.js';
import { contractProblems } from '../../../src/adapters/define.js';
import { epcisSchemaErrors, fixture } from './support.js';

describe('epcis adapter', () => {
  test('is a built-in that meets the adapter contract and declares an EPCIS repository platform', async () => {
    const adapter = await builtInAdapter('epcis');
    expect(contractProblems(adapter)).toEqual([]);
    expect(adapter.capabilities).toEqual({
      read: true,
      write: true,
      changeFeed: true,
      batchWriteSize: 1,
      finality: 'immediate',
      writes: ['identifiers', 'origin', 'rough', 'grading', 'custody'],
    });
    expect(adapter.authoritative).toEqual([]);
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
