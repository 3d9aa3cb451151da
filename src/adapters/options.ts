/**
 * Adapters own their options. Each adapter may declare a JSON Schema for the options its `connect` takes;
 * the bridge reads each declared option from `TRACEBRIDGE_<ADAPTER>_<OPTION>` (`accountId` of the
 * `inventory` adapter is `TRACEBRIDGE_INVENTORY_ACCOUNT_ID`) or from the file or JSON in
 * `TRACEBRIDGE_ADAPTER_OPTIONS` (`{"inventory": {"accountId": "..."}}`), coerces it to the declared type,
 * and checks it at start-up, so a missing or malformed option stops the bridge with a message naming the
 * adapter, the option and the variable, instead of failing at the first sync.
 */
import { existsSync, readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';

/** The JSON Schema of one option: a string, number, integer or boolean, or a list of strings. */
export interface OptionSchema {
  type: 'string' | 'number' | 'integer' | 'boolean' | 'array';
  /** For people: what the option is. Shown in errors and docs. */
  description?: string;
  items?: { type: 'string' };
  enum?: readonly (string | number)[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  pattern?: string;
  format?: string;
  default?: unknown;
  /**
   * Older environment variables that still set the option when `TRACEBRIDGE_<ADAPTER>_<OPTION>` is not set,
   * first listed first (`GIA_URL` for the `gia` adapter's `url`), so existing deployments keep working.
   */
  aliases?: readonly string[];
}

/** What an adapter declares about its options (`AdapterDefinition.options`). */
export interface AdapterOptionsSchema {
  type: 'object';
  properties: Readonly<Record<string, OptionSchema>>;
  /** Options start-up refuses to go without. */
  required?: readonly string[];
}

/** A missing or malformed adapter option; start-up stops with it. */
export class AdapterOptionError extends Error {
  override readonly name = 'AdapterOptionError';

  constructor(
    readonly adapter: string,
    readonly option: string,
    readonly variable: string,
    problem: string,
  ) {
    super(`[tracebridge] [${adapter}] option ${option} (${variable}) ${problem}`);
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/** `accountId` -> `ACCOUNT_ID`; `inventory-eu` -> `INVENTORY_EU`. */
export function optionVariable(adapter: string, option: string): string {
  const upper = (name: string): string =>
    name
      .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
      .replaceAll('-', '_')
      .toUpperCase();
  return `TRACEBRIDGE_${upper(adapter)}_${upper(option)}`;
}

/**
 * The options `adapter` declared: each from `given` (options passed in code), else the environment
 * (`TRACEBRIDGE_<ADAPTER>_<OPTION>`, then the option's aliases), else the options file, else the schema's
 * default; throws {@link AdapterOptionError} naming the first option that is missing or wrong.
 */
export function readAdapterOptions(
  adapter: string,
  schema: AdapterOptionsSchema,
  env: Env = process.env,
  given: Readonly<Record<string, unknown>> = {},
): Record<string, unknown> {
  const fromFile = optionsFile(env)[adapter] ?? {};
  const options: Record<string, unknown> = {};
  for (const [option, declared] of Object.entries(schema.properties)) {
    const variables = [optionVariable(adapter, option), ...(declared.aliases ?? [])];
    const variable = variables.find((name) => env[name] !== undefined && env[name].trim() !== '');
    if (given[option] !== undefined) options[option] = given[option];
    else if (variable !== undefined)
      options[option] = coerce(adapter, option, variable, declared, env[variable]!.trim());
    else if (fromFile[option] !== undefined) options[option] = fromFile[option];
    else if (declared.default !== undefined) options[option] = declared.default;
  }
  // `aliases` is this module's own keyword, not JSON Schema's.
  const validate = new Ajv2020({ allErrors: false, strict: false }).compile(schema);
  if (!validate(options)) {
    const error = validate.errors?.[0] as ErrorObject;
    const option =
      error.keyword === 'required'
        ? String((error.params as { missingProperty: string }).missingProperty)
        : (error.instancePath.slice(1).split('/')[0] ?? '');
    const problem = error.keyword === 'required' ? 'is required' : `${error.message ?? 'is not valid'}`;
    throw new AdapterOptionError(adapter, option, optionVariable(adapter, option), problem);
  }
  return options;
}

function coerce(
  adapter: string,
  option: string,
  variable: string,
  declared: OptionSchema,
  text: string,
): unknown {
  const fail = (expected: string): never => {
    throw new AdapterOptionError(
      adapter,
      option,
      variable,
      `must be ${expected}, got ${JSON.stringify(text)}`,
    );
  };
  switch (declared.type) {
    case 'number':
    case 'integer': {
      const value = Number(text);
      if (text.trim() === '' || !Number.isFinite(value)) return fail(`a ${declared.type}`);
      return value;
    }
    case 'boolean':
      if (text === 'true' || text === '1') return true;
      if (text === 'false' || text === '0') return false;
      return fail('true or false');
    case 'array':
      return text
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
    default:
      return text;
  }
}

function optionsFile(env: Env): Record<string, Record<string, unknown>> {
  const setting = env['TRACEBRIDGE_ADAPTER_OPTIONS'];
  if (setting === undefined || setting.trim() === '') return {};
  const text = setting.trim().startsWith('{') ? setting : readOptionsFile(setting);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(
      `[tracebridge] [config] TRACEBRIDGE_ADAPTER_OPTIONS is not JSON: ${(error as Error).message}`,
      { cause: error },
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(
      '[tracebridge] [config] TRACEBRIDGE_ADAPTER_OPTIONS must be an object keyed by adapter name',
    );
  }
  return parsed as Record<string, Record<string, unknown>>;
}

function readOptionsFile(path: string): string {
  if (!existsSync(path)) {
    throw new Error(`[tracebridge] [config] TRACEBRIDGE_ADAPTER_OPTIONS names no file: ${path}`);
  }
  return readFileSync(path, 'utf8');
}
