/** EPC URIs and Digital Links as the event hash writes them (CBV 2.0 rules 17 and 18). */
import { describe, expect, test } from 'vitest';
import {
  constrainDigitalLink,
  epcToDigitalLink,
  gs1CheckDigit,
  normaliseIdentifier,
} from '../../../src/adapters/epcis/digital-link.js';

describe('GS1 Digital Link normalisation', () => {
  test.each([
    ['urn:epc:id:sgtin:0614141.107346.2017', 'https://id.gs1.org/01/10614141073464/21/2017'],
    ['urn:epc:id:sgtin:4012345.011111.98%22', 'https://id.gs1.org/01/04012345111118/21/98%22'],
    [
      'urn:epc:id:sgtin:0614141.812345.6789%2F%26%25%22!%3F()',
      'https://id.gs1.org/01/80614141123458/21/6789%2F%26%25%22%21%3F%28%29',
    ],
    ['urn:epc:id:sscc:4012345.3111111111', 'https://id.gs1.org/00/340123451111111111'],
    ['urn:epc:id:sgln:4012345.00005.122', 'https://id.gs1.org/414/4012345000054/254/122'],
    ['urn:epc:id:sgln:4012345.00005.0', 'https://id.gs1.org/414/4012345000054'],
    ['urn:epc:id:grai:4012345.00022.334455', 'https://id.gs1.org/8003/04012345000221334455'],
    ['urn:epc:id:giai:4012345.ABC345', 'https://id.gs1.org/8004/4012345ABC345'],
    ['urn:epc:id:gsrn:4012345.0000006765', 'https://id.gs1.org/8018/401234500000067657'],
    ['urn:epc:id:gdti:4012345.00009.PO-4711', 'https://id.gs1.org/253/4012345000092PO-4711'],
    ['urn:epc:id:pgln:4000001.00000', 'https://id.gs1.org/417/4000001000005'],
    ['urn:epc:class:lgtin:4012345.012345.Lot987', 'https://id.gs1.org/01/04012345123456/10/Lot987'],
    ['urn:epc:idpat:sgtin:4012345.012345.*', 'https://id.gs1.org/01/04012345123456'],
  ])('turns the EPC URI %s into %s', (epc, link) => {
    expect(epcToDigitalLink(epc)).toBe(link);
  });

  test.each([
    [
      'https://example.com/gtin/09780345418913/21/765tz?abc=211121',
      'https://id.gs1.org/01/09780345418913/21/765tz',
    ],
    ['http://us-company-with-UPC.com/01/001122334455/ser/GHB', 'https://id.gs1.org/01/00001122334455/21/GHB'],
    [
      'https://id.gs1.org/01/9780345418913/22/344/10/1223/21/765tz',
      'https://id.gs1.org/01/09780345418913/21/765tz',
    ],
    ['https://gs1.test.example.org/01/9780345418913/10/1223', 'https://id.gs1.org/01/09780345418913/10/1223'],
    ['https://id.gs1.org/414/4280000000002/254/12', 'https://id.gs1.org/414/4280000000002/254/12'],
  ])('constrains the Digital Link %s to %s', (uri, constrained) => {
    expect(constrainDigitalLink(uri)).toBe(constrained);
  });

  test.each([
    'https://id.tracebridge.dev/diamond/tb_rough_0101',
    'https://id.tracebridge.dev/org/01',
    'http://example.de/abc/9780345418913',
    'http://example.de/01/97803',
    'Hello World!',
  ])('leaves %s as written', (value) => {
    expect(normaliseIdentifier(value)).toBe(value);
  });

  test('computes GS1 check digits', () => {
    expect(gs1CheckDigit('061414107346')).toBe('7');
    expect(gs1CheckDigit('1061414107346')).toBe('4');
  });
});
