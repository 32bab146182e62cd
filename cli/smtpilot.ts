/**
 * Process entry point (source, bundle and single binary): installs the
 * handlers that make every ending clean (signals, a closed pipe, a crash),
 * runs the CLI, and exits as soon as the result is written — a socket or
 * timer some library forgot cannot keep the process alive past its verdict.
 */
import { installProcessHandlers, runCleanups } from "./lifecycle.ts";
import { main } from "./main.ts";
import { routeConsoleToStderr } from "./output.ts";

installProcessHandlers();
routeConsoleToStderr();
// No top-level await: the bundle the single binary embeds is CommonJS.
void main(process.argv.slice(2)).then(async (code) => {
  await runCleanups();
  // Let both streams drain (pipes may be asynchronous), then end now.
  await Promise.all([process.stdout, process.stderr].map((s) => new Promise((resolve) => s.write("", resolve))));
  process.exit(code);
});
