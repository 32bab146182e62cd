/**
 * Loads Node's TLS module first thing for a command that may open a TLS
 * session. Loading `node:tls` starts Node reading its CA certificates on
 * another thread (its bundled roots, and the file NODE_EXTRA_CA_CERTS names),
 * and the first handshake waits until that read is done — even one given
 * `--ca`, whose trust store Node builds from the same read. Loaded as the
 * command loads, the read had only the few milliseconds before the STARTTLS
 * reply to finish and held up the handshake (the `tls` layer); started by
 * the entry, before the CLI itself loads, it runs beside that instead. The
 * module is loaded either way by these commands: nothing more is done, only
 * earlier. Offline commands, `--help` and `--version` never load it.
 */
import { commandWord } from "./command-word.ts";

/**
 * Top-level commands with a subcommand that may speak TLS: those whose
 * effect is network, mail or serve (test/cli/tls-warmup.test.ts keeps this
 * list equal to the command specs).
 */
export const TLS_COMMANDS: ReadonlySet<string> = new Set([
  "align",
  "auth",
  "diagnose",
  "doctor",
  "domain",
  "fixture",
  "mcp",
  "preflight",
  "profile",
  "send",
  "verify",
]);

/** Loads `node:tls` now when the command line names a command that may speak TLS; true when it did. */
export function warmTls(argv: readonly string[]): boolean {
  const word = commandWord(argv);
  if (word === undefined || !TLS_COMMANDS.has(word)) return false;
  // Help connects nowhere: it would pay for the CA read and use nothing of it.
  if (argv.includes("--help") || argv.includes("-h")) return false;
  // process.getBuiltinModule, not an import: the entry must not load TLS for every command.
  const load = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  if (typeof load !== "function") return false;
  load("node:tls");
  return true;
}
