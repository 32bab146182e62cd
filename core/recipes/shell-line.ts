/**
 * A recipe command as a line a person pastes into a POSIX shell: every
 * argument single-quoted unless it is plainly safe, and secret placeholders
 * (`$SMTP_PASSWORD`) double-quoted so the shell expands them — the line
 * never holds a secret, only the name of the variable that does.
 */

/** One command: its arguments (argv[0] the program), optional stdin from /dev/null, optional pipe into another. */
export interface RecipeCommand {
  tool: "dig" | "nc" | "openssl" | "swaks";
  argv: string[];
  /** Feed /dev/null on stdin, so an interactive tool (openssl s_client) ends by itself. */
  stdinNull?: boolean;
  /** A second command the output is piped into (e.g. `openssl x509 -noout -dates`). */
  pipe?: string[];
  /** What the command shows, in one line. */
  purpose: string;
}

/** An argument that names an environment variable to expand, never a value: `$SMTP_PASSWORD`. */
export const PLACEHOLDER = /^\$[A-Z_][A-Z0-9_]*$/;

const _SAFE = /^[A-Za-z0-9@%+=:,./_-]+$/;

/** One argument, quoted for a POSIX shell. */
export function shellQuote(arg: string): string {
  if (PLACEHOLDER.test(arg)) return `"${arg}"`;
  if (arg !== "" && _SAFE.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The whole command as one shell line. */
export function commandLine(command: RecipeCommand): string {
  const main = command.argv.map(shellQuote).join(" ");
  const stdin = command.stdinNull ? " </dev/null" : "";
  const pipe = command.pipe ? ` 2>/dev/null | ${command.pipe.map(shellQuote).join(" ")}` : "";
  return `${main}${stdin}${pipe}`;
}
