/**
 * Adapters own their options: each declared option is read from `TRACEBRIDGE_<ADAPTER>_<OPTION>` or the
 * adapter options file, coerced to its declared type and checked, and every refusal names the adapter, the
 * option and the variable.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defineAdapter, type AdapterDefinition } from '../../src/index.js';
import {
  AdapterOptionError,
  optionVariable,
  readAdapterOptions,
  type AdapterOptionsSchema,
} from '../../src/adapters/options.js';
import { fieldPath, mapOrRefuse, refuse } from '../../src/adapters/refuse.js';
import { PlatformError } from '../../src/adapters/errors.js';
import { giaAdapter } from '../../src/adapters/gia/index.js';
import { tracrAdapter } from '../../src/adapters/tracr/index.js';
import { MappingError } from '../../src/mapping/errors.js';

const shelf: AdapterOptionsSchema = {
  type: 'object',
  properties: {
    accountId: { type: 'string', minLength: 1 },
    pageSize: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
    strictGrades: { type: 'boolean' },
    regions: { type: 'array', items: { type: 'string' } },
  },
  required: ['accountId'],
};

describe('adapter options', () => {
  it('names each option after the adapter and the option, in upper snake case', () => {
    expect(optionVariable('inventory', 'accountId')).toBe('TRACEBRIDGE_INVENTORY_ACCOUNT_ID');
    expect(optionVariable('lab-registry', 'apiKey')).toBe('TRACEBRIDGE_LAB_REGISTRY_API_KEY');
    expect(optionVariable('inventory', 'url')).toBe('TRACEBRIDGE_INVENTORY_URL');
  });

  it('reads and coerces declared options from the environment, with the schema’s defaults', () => {
    const options = readAdapterOptions('inventory', shelf, {
      TRACEBRIDGE_INVENTORY_ACCOUNT_ID: 'shop-7',
      TRACEBRIDGE_INVENTORY_STRICT_GRADES: 'true',
      TRACEBRIDGE_INVENTORY_REGIONS: 'antwerp, dubai,,mumbai',
      TRACEBRIDGE_INVENTORY_UNDECLARED: 'ignored',
    });
    expect(options).toEqual({
      accountId: 'shop-7',
      pageSize: 100,
      strictGrades: true,
      regions: ['antwerp', 'dubai', 'mumbai'],
    });
  });

  it('refuses a missing required option, naming the adapter, the option and the variable', () => {
    const read = (): unknown => readAdapterOptions('inventory', shelf, {});
    expect(read).toThrow(AdapterOptionError);
    expect(read).toThrow(
      '[tracebridge] [inventory] option accountId (TRACEBRIDGE_INVENTORY_ACCOUNT_ID) is required',
    );
  });

  it('refuses a value of the wrong type or out of range, naming the option', () => {
    const env = { TRACEBRIDGE_INVENTORY_ACCOUNT_ID: 'shop-7' };
    expect(() =>
      readAdapterOptions('inventory', shelf, { ...env, TRACEBRIDGE_INVENTORY_PAGE_SIZE: 'many' }),
    ).toThrow(/option pageSize \(TRACEBRIDGE_INVENTORY_PAGE_SIZE\) must be a integer, got "many"/);
    expect(() =>
      readAdapterOptions('inventory', shelf, { ...env, TRACEBRIDGE_INVENTORY_PAGE_SIZE: '5000' }),
    ).toThrow(/option pageSize \(TRACEBRIDGE_INVENTORY_PAGE_SIZE\) must be <= 1000/);
    expect(() =>
      readAdapterOptions('inventory', shelf, { ...env, TRACEBRIDGE_INVENTORY_STRICT_GRADES: 'yes' }),
    ).toThrow(/option strictGrades .* must be true or false/);
  });

  it('reads options from the adapter options file, the environment winning over it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tracebridge-options-'));
    const file = join(dir, 'adapters.json');
    writeFileSync(file, JSON.stringify({ inventory: { accountId: 'from-file', pageSize: 20 } }));
    expect(readAdapterOptions('inventory', shelf, { TRACEBRIDGE_ADAPTER_OPTIONS: file })).toEqual({
      accountId: 'from-file',
      pageSize: 20,
    });
    expect(
      readAdapterOptions('inventory', shelf, {
        TRACEBRIDGE_ADAPTER_OPTIONS: file,
        TRACEBRIDGE_INVENTORY_PAGE_SIZE: '7',
      }),
    ).toEqual({ accountId: 'from-file', pageSize: 7 });
    expect(() =>
      readAdapterOptions('inventory', shelf, { TRACEBRIDGE_ADAPTER_OPTIONS: join(dir, 'none.json') }),
    ).toThrow(/TRACEBRIDGE_ADAPTER_OPTIONS names no file/);
    expect(() =>
      readAdapterOptions('inventory', shelf, { TRACEBRIDGE_ADAPTER_OPTIONS: '{not json' }),
    ).toThrow(/TRACEBRIDGE_ADAPTER_OPTIONS is not JSON/);
  });

  it('defineAdapter refuses an options declaration that is not a schema of named, typed options', () => {
    const base = {
      name: 'shelf',
      description: 'a shelf',
      capabilities: {
        read: true,
        write: false,
        changeFeed: false,
        batchWriteSize: 1,
        finality: 'immediate',
        writes: [],
      },
      authoritative: [],
      toCanonical: () => ({ value: { schemaVersion: '1', kind: 'polished' }, loss: [] }),
      fromCanonical: () => ({ value: {}, loss: [] }),
      connect: () => {
        throw new Error('not used');
      },
    } as unknown as AdapterDefinition;
    expect(() => defineAdapter({ ...base, options: shelf })).not.toThrow();
    const bad = [
      [{ type: 'array' }, /options must be a JSON Schema of type 'object'/],
      [
        { type: 'object', properties: { colour: { type: 'date' } } },
        /options.properties.colour.type must be one of/,
      ],
      [
        { type: 'object', properties: {}, required: ['accountId'] },
        /options.required must list declared options/,
      ],
    ] as const;
    for (const [options, message] of bad)
      expect(() => defineAdapter({ ...base, options } as unknown as AdapterDefinition)).toThrow(message);
  });
});

describe('the shared refusal helper', () => {
  it('refuse is unrecoverable and names the adapter, the stone and the field in dots', () => {
    const error = refuse('inventory', '/polished/shape', 'rose', 'a shape the shelf lists', 'tb_1');
    expect(error).toBeInstanceOf(PlatformError);
    expect(error.failure).toBe('unrecoverable');
    expect(error.field).toBe('polished.shape');
    expect(error.message).toBe(
      '[inventory] cannot take "rose"; expected a shape the shelf lists (stone tb_1, field polished.shape)',
    );
  });

  it('mapOrRefuse turns a mapping error into the adapter’s refusal and lets any other error through', () => {
    const unreadable = (): never => {
      throw new MappingError('/results/clarity_grade', 'VVS 3', 'a clarity grade');
    };
    let refused: unknown;
    try {
      mapOrRefuse('gia', unreadable, { stone: '2141438171', doing: 'cannot read report 2141438171' });
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(PlatformError);
    expect((refused as PlatformError).field).toBe('results.clarity_grade');
    expect((refused as PlatformError).message).toMatch(
      /^\[gia\] cannot read report 2141438171: \/results\/clarity_grade/,
    );
    const bug = new TypeError('undefined is not a function');
    expect(() =>
      mapOrRefuse('gia', () => {
        throw bug;
      }),
    ).toThrow(bug);
    expect(mapOrRefuse('gia', () => 42)).toBe(42);
  });

  it('writes JSON pointers as dotted paths, unescaping ~1 and ~0', () => {
    expect(fieldPath('/extensions/gia~1lab/a~0b')).toBe('extensions.gia/lab.a~b');
    expect(fieldPath('polished.color')).toBe('polished.color');
  });
});

describe('the built-in adapters own their options', () => {
  it('reads TRACEBRIDGE_<ADAPTER>_<OPTION> first, then the documented older names', () => {
    const gia = giaAdapter.options!;
    expect(readAdapterOptions('gia', gia, { GIA_URL: 'https://plan.example/graphql' })['url']).toBe(
      'https://plan.example/graphql',
    );
    expect(
      readAdapterOptions('gia', gia, {
        GIA_URL: 'https://old.example/graphql',
        TRACEBRIDGE_GIA_URL: 'https://new.example/graphql',
      })['url'],
    ).toBe('https://new.example/graphql');
    expect(readAdapterOptions('gia', gia, { TRACEBRIDGE_GIA_CLOCK_SKEW_MS: '1000' })).toMatchObject({
      apiKey: 'gia-sandbox-key',
      changesPageSize: 50,
      clockSkewMs: 1000,
    });
    const tracr = readAdapterOptions('tracr', tracrAdapter.options!, {
      TRACR_PARTICIPANT_ID: 'kalahari-mining',
      TRACR_PRIVATE_KEY: 'key',
    });
    expect(tracr).toMatchObject({ participantId: 'kalahari-mining', privateKey: 'key', pageSize: 100 });
  });

  it('stops start-up naming the adapter, the option and the variable', () => {
    expect(() =>
      readAdapterOptions('tracr', tracrAdapter.options!, { TRACEBRIDGE_TRACR_PAGE_SIZE: '900' }),
    ).toThrow('[tracebridge] [tracr] option pageSize (TRACEBRIDGE_TRACR_PAGE_SIZE) must be <= 500');
    expect(() => readAdapterOptions('gia', giaAdapter.options!, { GIA_URL: 'ftp://plan' })).toThrow(
      /\[gia\] option url \(TRACEBRIDGE_GIA_URL\) must match pattern/,
    );
  });
});
