/** `text` with LIKE's wildcards (%, _) and its escape character (\) taken literally. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** A LIKE / ILIKE pattern matching any value that contains `text` as typed. */
export function likeContains(text: string): string {
  return `%${escapeLike(text)}%`;
}
