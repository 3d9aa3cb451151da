import { MappingError } from '../../src/mapping/errors.js';

/** The MappingError a parser throws, so a test can check that it names the field and the value. */
export function mappingError(parse: () => unknown): MappingError {
  try {
    parse();
  } catch (error) {
    if (error instanceof MappingError) return error;
    throw error;
  }
  throw new Error('expected a MappingError');
}
