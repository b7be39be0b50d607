/** `--name value` pairs of a benchmark's command line. */
export function benchArgs(argv = process.argv.slice(2)): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (let i = 0; i < argv.length; i++) if (argv[i]!.startsWith('--')) out[argv[i]!.slice(2)] = argv[i + 1];
  return out;
}
