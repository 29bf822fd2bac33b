/** Captures everything written to stdout, stderr and the console while `run` runs (the real logger is used). */
export async function captureOutput(run: () => Promise<void>): Promise<string> {
  const out: string[] = [];
  const sink = (chunk: unknown) => {
    out.push(String(chunk));
    return true;
  };
  jest.spyOn(process.stdout, 'write').mockImplementation(sink);
  jest.spyOn(process.stderr, 'write').mockImplementation(sink);
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    jest.spyOn(console, method).mockImplementation((...args: unknown[]) => out.push(args.map(String).join(' ')));
  }
  try {
    await run();
  } finally {
    jest.restoreAllMocks();
  }
  return out.join('\n');
}
