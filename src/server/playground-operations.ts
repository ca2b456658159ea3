/**
 * Which operation of a playground tab to run. These functions run in the
 * browser as well: the page embeds their source (Function.prototype.toString),
 * so they use nothing outside themselves, and their patterns are real
 * regular expressions rather than text inside a template string, where
 * escaping would silently change them.
 */

/** The names of the operations a GraphQL document defines, in order; comments and strings are ignored. */
export function definedOperationNames(document: string): string[] {
  const code = document
    .replace(/"""[\s\S]*?"""/g, ' ')
    .replace(/"(?:[^"\\\n]|\\.)*"/g, ' ')
    .replace(/#[^\n\r]*/g, ' ');
  const names: string[] = [];
  for (const match of code.matchAll(
    /(?:^|[\s{}(),])(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)/g,
  ))
    names.push(match[1]);
  return names;
}

/**
 * The operation name to send. After a tab switch GraphiQL can still send the
 * previous tab's name: a name the document does not define is replaced by
 * the document's only operation, or dropped when it has several (the server
 * then asks which one).
 */
export function operationToSend(document: string, requested: string | null | undefined): string | undefined {
  const defined = definedOperationNames(document);
  if (requested && defined.includes(requested)) return requested;
  return defined.length === 1 ? defined[0] : undefined;
}
