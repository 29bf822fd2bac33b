/** Orders of the report: byte order of strings (not locale), so that every run sorts alike. */
export const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The key of a resource (or of a stack, without logical id) in maps of the report and the diagram. */
export const resourceKey = (r: { readonly stack: string; readonly logicalId?: string }): string => `${r.stack}\u0000${r.logicalId ?? ''}`;
