import type { ApiKeyConfig } from '../api/auth.js';
import { sandboxParticipantKey } from '../ops/processes.js';
import type { OrgEntry } from '../participants/registry.js';

/**
 * The demo's participants registry: two producers whose ledger display names ("Demo Mining Ltd",
 * "Kalahari Mining Co.") are not their bridge organisations, a manufacturer and the lab, each signing its
 * own acts on the ledger with its own sandbox key. Sandbox keys derive from a public seed: demo only.
 */
export const demoOrgs: readonly OrgEntry[] = [
  entry('demo-mining', 'demo-mining'),
  entry('kalahari', 'kalahari-mining'),
  entry('antwerp', 'antwerp-cutting'),
  entry('gia-lab', 'gia-lab'),
];

/** The demo's keys for the second producer and the manufacturer, beside the fixed demo keys. */
export const demoOrgKeys: readonly ApiKeyConfig[] = [
  { name: 'demo-kalahari', key: 'demo-kalahari-key', role: 'producer', org: 'kalahari' },
  { name: 'demo-cutter', key: 'demo-cutter-key', role: 'producer', org: 'antwerp' },
];

function entry(org: string, participantId: string): OrgEntry {
  return { org, tracr: { participantId, privateKey: sandboxParticipantKey(participantId) } };
}
