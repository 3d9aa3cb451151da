/**
 * Everything the package exports is documented: an adapter author reads the TSDoc in an editor, not this
 * repository. Read through the TypeScript compiler's own view of `src/index.ts` and its conformance entry.
 */
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/package-root.js';

function exportsOf(entry: string): { name: string; documented: boolean }[] {
  const file = join(packageRoot, entry);
  const program = ts.createProgram([file], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    skipLibCheck: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file);
  if (source === undefined) throw new Error(`cannot read ${entry}`);
  const module = checker.getSymbolAtLocation(source);
  if (module === undefined) throw new Error(`${entry} is not a module`);
  return checker.getExportsOfModule(module).map((symbol) => {
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    return { name: symbol.getName(), documented: target.getDocumentationComment(checker).length > 0 };
  });
}

const undocumented = (entry: string): string[] =>
  exportsOf(entry)
    .filter((e) => !e.documented)
    .map((e) => e.name)
    .sort();

describe('the public surface', () => {
  it('exports what an adapter author builds on', () => {
    const names = exportsOf('src/index.ts').map((e) => e.name);
    for (const name of [
      'defineAdapter',
      'refuse',
      'mapOrRefuse',
      'LossReport',
      'MappingError',
      'validateDiamond',
    ])
      expect(names).toContain(name);
    expect(exportsOf('src/conformance/index.ts').map((e) => e.name)).toContain('runAdapterConformance');
  });

  it('documents every export of tracebridge', () => {
    expect(undocumented('src/index.ts')).toEqual([]);
  });

  it('documents every export of tracebridge/conformance', () => {
    expect(undocumented('src/conformance/index.ts')).toEqual([]);
  });
});
