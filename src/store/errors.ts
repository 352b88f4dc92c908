/** The data file cannot be read, parsed or written: said in one line, never a stack. */
export class DataFileError extends Error {
  override name = 'DataFileError';
}
