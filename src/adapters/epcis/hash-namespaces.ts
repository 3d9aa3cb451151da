/**
 * Namespaces as the CBV 2.0 event hash sees them: member names written `{namespace}localName` whatever
 * prefix a document binds (rules 19 to 21), GS1 vocabulary CURIEs in values expanded (rule 15), and the
 * members the hash leaves out: RDF comments, and the fields a document names in its `ignoreFields`
 * convention (a repository's own bookkeeping, such as a stored hash or capture ID).
 */
import type { EpcisContext } from './types.js';
import { cbvRoot } from './vocab.js';

/**
 * Prefixes every EPCIS 2.0 document may use without declaring them (the EPCIS 2.0 JSON-LD context). The
 * reference writes an undeclared `cbvmda:` as `urn:epcglobal:cbv:mda`, without a final colon; a document
 * that declares the prefix gets its own namespace.
 */
const wellKnownPrefixes: Readonly<Record<string, string>> = {
  gs1: 'https://gs1.org/voc/',
  cbv: cbvRoot,
  epcis: 'https://ref.gs1.org/epcis/',
  cbvmda: 'urn:epcglobal:cbv:mda',
  rdfs: 'http://www.w3.org/2000/01/rdf-schema#',
};

/** Namespaces of GS1's own vocabularies: only CURIEs in these expand where they are values. */
const gs1Vocabularies = ['https://ref.gs1.org/', 'https://gs1.org/'];

const rdfsComment = '{http://www.w3.org/2000/01/rdf-schema#}comment';

/** The prefix definitions of a JSON-LD context (string members of its objects); URLs are not fetched. */
export function contextPrefixes(context: unknown): Record<string, string> {
  const prefixes: Record<string, string> = {};
  for (const entry of Array.isArray(context) ? context : [context]) {
    if (entry === null || typeof entry !== 'object') continue;
    for (const [prefix, namespace] of Object.entries(entry as Record<string, unknown>)) {
      if (typeof namespace === 'string' && !prefix.startsWith('@')) prefixes[prefix] = namespace;
    }
  }
  return prefixes;
}

/** The prefixes in force for one event, and the member names its document asks the hash to ignore. */
export class HashNamespaces {
  private readonly prefixes: Readonly<Record<string, string>>;
  private readonly ignored: ReadonlySet<string>;

  constructor(contexts: readonly (EpcisContext | undefined)[], ignore: readonly string[] = []) {
    this.prefixes = Object.assign({}, wellKnownPrefixes, ...contexts.map(contextPrefixes)) as Record<
      string,
      string
    >;
    this.ignored = new Set([rdfsComment, 'comment', ...ignore.map((name) => this.expandName(name))]);
  }

  /** `example:myField` as `{https://ns.example.com/epcis/}myField`; a name without a known prefix as written. */
  expandName(key: string): string {
    const colon = key.indexOf(':');
    if (colon <= 0) return key;
    const namespace = this.prefixes[key.slice(0, colon)];
    return namespace === undefined ? key : `{${namespace}}${key.slice(colon + 1)}`;
  }

  /** Whether the member `key` stays out of the hash: a comment, an ignored field, or the ignore list itself. */
  isIgnored(key: string): boolean {
    const name = this.expandName(key);
    return this.ignored.has(name) || isIgnoreList(name);
  }

  /** `gs1:Temperature` as `https://gs1.org/voc/Temperature`; other CURIEs and URIs as written. */
  expandValue(value: string): string {
    const match = /^([A-Za-z][\w.-]*):(?!\/\/)(.*)$/.exec(value);
    if (!match) return value;
    const namespace = this.prefixes[match[1]!];
    if (namespace === undefined || !gs1Vocabularies.some((root) => namespace.startsWith(root))) return value;
    return namespace + match[2]!;
  }
}

/** A member holding the ignore convention: local name `ignoreFields`, under any prefix. */
export function isIgnoreList(key: string): boolean {
  return key === 'ignoreFields' || key.endsWith(':ignoreFields') || key.endsWith('}ignoreFields');
}

/** The names listed under `holder`'s members whose local name is `ignoreFields`, under whatever prefix. */
export function ignoreFieldsOf(holder: Readonly<Record<string, unknown>>): string[] {
  return Object.entries(holder)
    .filter(([key]) => isIgnoreList(key))
    .flatMap(([, names]) => (Array.isArray(names) ? (names as unknown[]) : [names]))
    .filter((name): name is string => typeof name === 'string');
}
