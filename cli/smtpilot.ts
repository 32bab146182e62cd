/**
 * Process entry point (source, bundle and single binary): installs the
 * handlers that make every ending clean (signals, a closed pipe, a crash),
 * runs the CLI, and exits as soon as the result is written — a socket or
 * timer some library forgot cannot keep the process alive past its verdict.
 */
import { EXIT_BROKEN_PIPE } from "../core/exit.ts";
import { installProcessHandlers, runCleanups } from "./lifecycle.ts";
import { main } from "./main.ts";
import { routeConsoleToStderr } from "./output.ts";

installProcessHandlers();
routeConsoleToStderr();
// No top-level await: the bundle the single binary embeds is CommonJS.
void main(process.argv.slice(2)).then(async (code) => {
  await runCleanups();
  // Let both streams drain (pipes may be asynchronous), then end now; a reader that went away
  // while the result was written makes it a quiet broken-pipe exit, as for ls or git.
  const errors = await Promise.all(
    [process.stdout, process.stderr].map((s) => new Promise<unknown>((resolve) => s.write("", resolve))),
  );
  const broken = errors.some((e) => ["EPIPE", "ERR_STREAM_DESTROYED"].includes((e as { code?: string })?.code ?? ""));
  process.exit(broken ? EXIT_BROKEN_PIPE : code);
});
