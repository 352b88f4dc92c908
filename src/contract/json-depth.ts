/**
 * JSON bodies may nest arrays and objects this deep (the contract needs 4). Deeper ones are
 * refused before parsing: what runs after the parser (validation, structuredClone, the
 * journal's JSON.stringify) recurses and would overflow the stack.
 */
export const MAX_JSON_DEPTH = 64;

/** Whether JSON text nests arrays and objects at most `max` deep; a linear scan that skips strings. */
export function nestingWithin(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return false;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return true;
}
