/** `tracebridge sim`: the three simulators by name, and a clear refusal of any other. */
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

describe('tracebridge sim', () => {
  it('names the three simulators when asked for another, exiting 2', async () => {
    const run = await runCli(['sim', 'ledger']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('tracr, gia or epcis');
  });

  it('lists sim epcis in the usage', async () => {
    const run = await runCli(['--help']);
    expect(run.stdout + run.stderr).toContain('sim tracr|gia|epcis');
  });
});
