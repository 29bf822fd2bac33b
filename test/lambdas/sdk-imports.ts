/**
 * The AWS API calls a function's code can make, read from its imports: every `<Name>Command` imported from an
 * `@aws-sdk/client-*` package, as `<service>:<Name>`. A package outside `serviceOfPackage` fails the test, so
 * a new client cannot slip in beside the permissions (`permissions.ts`) that the role policy is built from.
 */
export function sdkCommandsImported(sources: readonly { file: string; text: string }[], serviceOfPackage: Record<string, string>): string[] {
  const imported = new Set<string>();
  for (const { file, text } of sources) {
    for (const m of text.matchAll(/import\s+(type\s+)?\{([^}]*)\}\s+from\s+'(@aws-sdk\/[^']+)'/g)) {
      const pkg = m[3];
      expect({ file, pkg, known: pkg in serviceOfPackage }).toEqual({ file, pkg, known: true });
      for (const name of m[2].split(',').map((n) => n.replace(/^\s*type\s+/, '').trim())) {
        const command = /^([A-Za-z0-9]+)Command$/.exec(name);
        if (command) imported.add(`${serviceOfPackage[pkg]}:${command[1]}`);
      }
    }
  }
  return [...imported].sort();
}
