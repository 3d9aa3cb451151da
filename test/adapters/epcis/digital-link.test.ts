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
    ['urn:epc:id:gsrnp:4012345.0000098765', 'https://id.gs1.org/8017/401234500000987658'],
    ['urn:epc:id:sgcn:4012345.99999.44', 'https://id.gs1.org/255/401234599999044'],
    ['urn:epc:id:cpi:4012345.ABC.123', 'https://id.gs1.org/8010/4012345ABC/8011/123'],
    [
      'urn:epc:id:cpi:0614141.11111111111111-A%23%2F.1234',
      'https://id.gs1.org/8010/061414111111111111111-A%23%2F/8011/1234',
    ],
    ['urn:epc:id:ginc:0614141.xyz47%2F11', 'https://id.gs1.org/401/0614141xyz47%2F11'],
    ['urn:epc:id:gsin:4012345.222333444', 'https://id.gs1.org/402/40123452223334442'],
    ['urn:epc:id:itip:4012345.011111.01.02.987', 'https://id.gs1.org/8006/040123451111180102/21/987'],
    [
      "urn:epc:id:upui:1234567.098765.51qIgY)%3C%26Jp3*j7'SDB",
      "https://id.gs1.org/01/01234567987651/235/51qIgY%29%3C%26Jp3%2Aj7'SDB",
    ],
    ['urn:epc:id:pgln:999999999999.', 'https://id.gs1.org/417/9999999999994'],
    ['urn:epc:id:gdti:987659999999..9', 'https://id.gs1.org/253/98765999999929'],
    [
      'urn:epc:id:sgtin:0614141.107346.A+B,C:D;E=F',
      'https://id.gs1.org/01/10614141073464/21/A%2BB%2CC%3AD;E=F',
    ],
    ['urn:epc:idpat:cpi:4012345.ABC.*', 'https://id.gs1.org/8010/4012345ABC'],
    ['urn:epc:idpat:itip:4012345.012345.01.02.*', 'https://id.gs1.org/8006/040123451234560102'],
    ['urn:epc:idpat:upui:4012345.012345.*', 'https://id.gs1.org/01/04012345123456'],
    ['urn:epc:idpat:grai:4012345.66666.*', 'https://id.gs1.org/8003/04012345666663'],
    ['urn:epc:idpat:gdti:4012345.55555.*', 'https://id.gs1.org/253/4012345555554'],
    ['urn:epc:idpat:sgcn:4012345.99999.*', 'https://id.gs1.org/255/4012345999990'],
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
    // EPC URIs whose fields do not fit their scheme are not GS1 keys the hash can write canonically.
    'urn:epc:id:sgtin:0614141.10734.2017',
    'urn:epc:id:sscc:4012345.311111111',
    'urn:epc:id:gsin:4012345.22233344',
    'urn:epc:id:itip:4012345.011111.1.02.987',
    'urn:epc:id:cpi:4012345.abc.123',
    'urn:epc:id:sgtin:0614141.107346.too-long-a-serial-for-gs1',
    'urn:epc:id:unknown:4012345.1.2',
  ])('leaves %s as written', (value) => {
    expect(normaliseIdentifier(value)).toBe(value);
  });

  test('computes GS1 check digits', () => {
    expect(gs1CheckDigit('061414107346')).toBe('7');
    expect(gs1CheckDigit('1061414107346')).toBe('4');
  });
});
