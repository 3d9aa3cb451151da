import { describe, expect, it } from 'vitest';
import { sandboxParticipantKey } from '../../src/ops/processes.js';
import { ledgerSigners } from '../../src/adapters/tracr/signers.js';

const key = (participantId: string) => sandboxParticipantKey(participantId);

describe('ledger signers from the participants registry', () => {
  const signers = ledgerSigners(
    [
      { org: 'kalahari', tracr: { participantId: 'kalahari-mining', privateKey: key('kalahari-mining') } },
      { org: 'demo', tracr: { participantId: 'demo-mining' } },
      { org: 'antwerp', tracr: { participantId: 'antwerp-cutting' } },
    ],
    { participantId: 'demo-mining', privateKey: key('demo-mining') },
  )!;

  it("signs each organisation's acts with its own key", () => {
    expect(signers.forOrg('kalahari')?.participantId).toBe('kalahari-mining');
  });

  it("an entry naming the shorthand's participant without a key signs with the shorthand's key", () => {
    expect(signers.forOrg('demo')?.participantId).toBe('demo-mining');
  });

  it('an entry naming another participant without a key has no signer: never signed as someone else', () => {
    expect(signers.forOrg('antwerp')).toBeUndefined();
  });

  it('an organisation without an entry signs with the shorthand', () => {
    expect(signers.forOrg('unlisted')?.participantId).toBe('demo-mining');
  });

  it('no key at all is a ledger the bridge only reads', () => {
    expect(ledgerSigners([{ org: 'a', tracr: { participantId: 'p' } }], {})).toBeUndefined();
  });
});
