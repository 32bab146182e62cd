/**
 * The command a command line names, found before anything is parsed: the
 * entry uses it to load TLS early for a command that needs it
 * (cli/tls-warmup.ts), the program to build commander's options for that
 * command only (specsFor in cli/program.ts). Depends on nothing, so the
 * entry can import it without loading the CLI.
 */

/**
 * The global options that take a value (`--plugin FILE`, `--home DIR`), whose
 * value is not a command's name. test/cli/tls-warmup.test.ts keeps it equal
 * to GLOBAL_OPTIONS in cli/program.ts.
 */
export const VALUED_GLOBAL_FLAGS: ReadonlySet<string> = new Set(["--plugin", "--home"]);

/** The first word of `argv` that is neither an option nor a global option's value; undefined when none (or after `--`). */
export function commandWord(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i] as string;
    if (word === "--") return undefined;
    if (!word.startsWith("-")) return word;
    if (VALUED_GLOBAL_FLAGS.has(word)) i++;
  }
  return undefined;
}
