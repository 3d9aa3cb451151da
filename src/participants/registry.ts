/**
 * The participants registry: who each bridge organisation is on each platform. A bridge organisation
 * (`owner.org`, the unit of access control) is the bridge's own name; a platform names the same company its
 * own way (a ledger participant ID, a registry account, an EPCIS party GLN) and shows its own display name.
 * Only this registry ties the two together, so a platform's names never decide who may read a stone.
 *
 * Read from `TRACEBRIDGE_ORGS` (a JSON array, or the path of a file holding one), checked once at start-up:
 * a bad entry is refused naming the entry and the field. `TRACR_PARTICIPANT_ID`/`TRACR_PRIVATE_KEY` remain a
 * one-organisation shorthand: the ledger participant of every organisation without a `tracr` entry.
 */
import type { KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { readPrivateKey } from './private-key.js';

/** A ledger identity: the participant and how to find its Ed25519 signing key (at most one of the two). */
export interface LedgerIdentity {
  participantId: string;
  /** The key itself: a 64-hex-digit seed, PEM, or base64 PKCS#8 DER. */
  privateKey?: string;
  /** The path of a file holding the key, so the registry need not hold the secret. */
  privateKeyFile?: string;
}

/** One bridge organisation and its identities on each platform. */
export interface OrgEntry {
  /** The bridge organisation: `owner.org` of its stones, `org` of its API keys. */
  org: string;
  /** Its participant on the ledger; writes it performs are signed with this key. */
  tracr?: LedgerIdentity;
  /** Its account with the grading registry. */
  gia?: { account: string };
  /** Its party on EPCIS repositories (a 13-digit GLN). */
  epcis?: { gln: string };
}

/** The field of each platform identity that names the party on that platform. */
const partyField = { tracr: 'participantId', gia: 'account', epcis: 'gln' } as const;

/** A platform the registry knows identities for. */
export type RegistryPlatform = keyof typeof partyField;

/** The registry as the bridge reads it. */
export interface Participants {
  readonly entries: readonly OrgEntry[];
  /** Whether the registry names parties on `platform` at all; custody elsewhere is not its to settle. */
  covers(platform: string): boolean;
  /** The entry of `org`, if it has one. */
  entry(org: string): OrgEntry | undefined;
  /**
   * The bridge organisation whose identity on `platform` is `party`, or undefined when none is: the
   * shorthand participant stands for every organisation without an entry, so it names none of them.
   */
  orgOf(platform: string, party: string): string | undefined;
  /** The party that acts for `org` on `platform`: its entry's, else the shorthand ledger participant. */
  partyOf(org: string, platform: string): string | undefined;
  /** Whether `party` acts for `org` on `platform` (its own identity, or the shorthand standing in for it). */
  actsFor(org: string, platform: string, party: string): boolean;
}

/** The registry's refusal: names the entry and the field. */
export class RegistryError extends Error {
  override readonly name = 'RegistryError';

  constructor(
    readonly entry: string,
    readonly field: string,
    problem: string,
  ) {
    super(`[tracebridge] [orgs] TRACEBRIDGE_ORGS ${entry}: ${field} ${problem}`);
  }
}

/** The one-organisation shorthand (`TRACR_PARTICIPANT_ID`, `TRACR_PRIVATE_KEY`). */
export interface LedgerShorthand {
  participantId?: string | undefined;
  privateKey?: string | KeyObject | undefined;
}

const ORG_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const GLN_PATTERN = /^\d{13}$/;

/**
 * Reads `TRACEBRIDGE_ORGS`: undefined or blank is an empty registry; a value starting with `[` or `{` is JSON,
 * anything else the path of a JSON file. Throws a {@link RegistryError} naming what is wrong.
 */
export function parseOrgs(value: string | undefined): OrgEntry[] {
  if (value === undefined || value.trim() === '') return [];
  const trimmed = value.trim();
  let text = trimmed;
  // JSON starts with a bracket or brace; a path never does.
  if (!trimmed.startsWith('[') && !trimmed.startsWith('{')) {
    if (!existsSync(trimmed))
      throw new RegistryError('', 'value', `is neither a JSON array nor a file: ${trimmed}`);
    text = readFileSync(trimmed, 'utf8');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new RegistryError('', 'value', `is not valid JSON: ${(error as Error).message}`);
  }
  return checkOrgs(parsed);
}

/** Checks a registry given in code or parsed from JSON; answers the entries as given. */
export function checkOrgs(value: unknown): OrgEntry[] {
  if (!Array.isArray(value))
    throw new RegistryError('', 'value', 'must be a JSON array of {org, tracr?, gia?, epcis?}');
  const seen = new Map<string, string>();
  const parties = new Map<string, string>();
  return value.map((raw: unknown, index) => {
    const at = `entry ${index}`;
    if (!isObject(raw)) throw new RegistryError(at, '(entry)', 'must be an object');
    const { org } = raw;
    if (typeof org !== 'string' || !ORG_PATTERN.test(org))
      throw new RegistryError(at, 'org', 'must be an organisation name: letters, digits, ".", "_" or "-"');
    const named = `${at} (${JSON.stringify(org)})`;
    if (seen.has(org)) throw new RegistryError(named, 'org', `repeats ${seen.get(org)}`);
    seen.set(org, at);
    for (const key of Object.keys(raw)) {
      if (key !== 'org' && !(key in partyField))
        throw new RegistryError(
          named,
          key,
          `is not a known platform: expected ${Object.keys(partyField).join(', ')}`,
        );
    }
    const entry: OrgEntry = { org };
    if (raw['tracr'] !== undefined) entry.tracr = ledgerIdentity(named, raw['tracr']);
    if (raw['gia'] !== undefined) entry.gia = { account: text(named, 'gia', raw['gia'], 'account') };
    if (raw['epcis'] !== undefined) {
      const gln = text(named, 'epcis', raw['epcis'], 'gln');
      if (!GLN_PATTERN.test(gln)) throw new RegistryError(named, 'epcis.gln', 'must be a 13-digit GLN');
      entry.epcis = { gln };
    }
    for (const platform of Object.keys(partyField) as RegistryPlatform[]) {
      const party = partyOfEntry(entry, platform);
      if (party === undefined) continue;
      const key = `${platform}\u0000${party}`;
      const holder = parties.get(key);
      if (holder !== undefined)
        throw new RegistryError(
          named,
          `${platform}.${partyField[platform]}`,
          `${JSON.stringify(party)} is already ${holder}'s`,
        );
      parties.set(key, org);
    }
    return entry;
  });
}

/**
 * The one-organisation shorthand among the adapters' options: the tracr adapter's `participantId` and
 * `privateKey` (`TRACR_PARTICIPANT_ID`, `TRACR_PRIVATE_KEY`), which the registry stands in for every
 * organisation without a `tracr` entry.
 */
export function ledgerShorthand(
  adapterOptions: Readonly<Record<string, Readonly<Record<string, unknown>>>>,
): LedgerShorthand {
  const { participantId, privateKey } = adapterOptions['tracr'] ?? {};
  return {
    participantId: typeof participantId === 'string' ? participantId : undefined,
    privateKey: typeof privateKey === 'string' ? privateKey : undefined,
  };
}

/** The registry over checked `entries`, with the ledger shorthand for organisations without an entry. */
export function createParticipants(
  entries: readonly OrgEntry[],
  shorthand: LedgerShorthand = {},
): Participants {
  const byOrg = new Map(entries.map((entry) => [entry.org, entry]));
  const byParty = new Map<string, string>();
  for (const entry of entries) {
    for (const platform of Object.keys(partyField) as RegistryPlatform[]) {
      const party = partyOfEntry(entry, platform);
      if (party !== undefined) byParty.set(`${platform}\u0000${party}`, entry.org);
    }
  }
  const partyOf = (org: string, platform: string): string | undefined => {
    const entry = byOrg.get(org);
    const own = entry && isRegistryPlatform(platform) ? partyOfEntry(entry, platform) : undefined;
    if (own !== undefined) return own;
    return platform === 'tracr' && entry?.tracr === undefined ? shorthand.participantId : undefined;
  };
  return {
    entries,
    covers: isRegistryPlatform,
    entry: (org) => byOrg.get(org),
    orgOf: (platform, party) => byParty.get(`${platform}\u0000${party}`),
    partyOf,
    actsFor: (org, platform, party) => partyOf(org, platform) === party,
  };
}

/** The party named by `entry` on `platform`. */
function partyOfEntry(entry: OrgEntry, platform: RegistryPlatform): string | undefined {
  if (platform === 'tracr') return entry.tracr?.participantId;
  if (platform === 'gia') return entry.gia?.account;
  return entry.epcis?.gln;
}

function isRegistryPlatform(platform: string): platform is RegistryPlatform {
  return platform in partyField;
}

function ledgerIdentity(at: string, value: unknown): LedgerIdentity {
  const participantId = text(at, 'tracr', value, 'participantId');
  const identity: LedgerIdentity = { participantId };
  const given = value as Record<string, unknown>;
  const { privateKey, privateKeyFile } = given;
  if (privateKey !== undefined && privateKeyFile !== undefined)
    throw new RegistryError(at, 'tracr.privateKey', 'and tracr.privateKeyFile are both given: give one');
  if (privateKey !== undefined) {
    identity.privateKey = text(at, 'tracr', value, 'privateKey');
    checkKey(at, 'tracr.privateKey', identity.privateKey);
  }
  if (privateKeyFile !== undefined) {
    const path = text(at, 'tracr', value, 'privateKeyFile');
    if (!existsSync(path)) throw new RegistryError(at, 'tracr.privateKeyFile', `names no file: ${path}`);
    checkKey(at, 'tracr.privateKeyFile', readFileSync(path, 'utf8'));
    identity.privateKeyFile = path;
  }
  for (const key of Object.keys(given)) {
    if (!['participantId', 'privateKey', 'privateKeyFile'].includes(key))
      throw new RegistryError(
        at,
        `tracr.${key}`,
        'is not a field: expected participantId, privateKey or privateKeyFile',
      );
  }
  return identity;
}

/** A key that cannot sign is refused now, not at the first write; the message never repeats the key. */
function checkKey(at: string, field: string, key: string): void {
  try {
    readPrivateKey(key);
  } catch {
    throw new RegistryError(
      at,
      field,
      'is not an Ed25519 private key (64-hex-digit seed, PEM or base64 PKCS#8 DER)',
    );
  }
}

function text(at: string, platform: string, value: unknown, field: string): string {
  if (!isObject(value)) throw new RegistryError(at, platform, `must be an object with ${field}`);
  const member = value[field];
  if (typeof member !== 'string' || member.trim() === '')
    throw new RegistryError(at, `${platform}.${field}`, 'must be a non-empty string');
  return member.trim();
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
