/**
 * Jest snapshot serializer for CloudFormation templates: replaces values that change with every
 * build (asset hashes, asset object keys) with stable placeholders, so snapshots show only real
 * changes (STYLE.md 14).
 */
const ASSET_HASH = /[0-9a-f]{64}/g;

function strip(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(ASSET_HASH, '[ASSET_HASH]');
  if (Array.isArray(value)) return value.map(strip);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.replace(ASSET_HASH, '[ASSET_HASH]'), strip(v)]));
  }
  return value;
}

const MARK = Symbol.for('hds-blueprint.snapshot-stripped');

module.exports = {
  test(value: unknown): boolean {
    return (
      !!value &&
      typeof value === 'object' &&
      !(value as Record<symbol, unknown>)[MARK] &&
      'Resources' in (value as object) &&
      JSON.stringify(value).search(ASSET_HASH) >= 0
    );
  },
  serialize(value: unknown, config: unknown, indentation: string, depth: number, refs: unknown, printer: (...a: unknown[]) => string): string {
    const stripped = strip(value) as Record<symbol, unknown>;
    Object.defineProperty(stripped, MARK, { value: true, enumerable: false });
    return printer(stripped, config, indentation, depth, refs);
  },
};
