/** The file as a whole cannot be imported (not one row of it): a wrong delimiter, a quote never closed. */
export class ImportFileError extends Error {
  override readonly name = 'ImportFileError';

  constructor(
    /** The line the trouble starts on. */
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}
