/**
 * The key a category override's error is reported under, so the UI can find its row. Shared by
 * the server and the UI bundle, hence free of imports.
 */
export function categoryFieldKey(c: { clioKind: string; clioId: string }): string {
  return `categoryAccounts.${c.clioKind}.${c.clioId}`;
}
