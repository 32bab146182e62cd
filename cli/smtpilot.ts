/**
 * Process entry point (source, bundle and single binary). `smtpilot --version`
 * alone is answered here, before the command line loads: scripts, package
 * managers and bug reports run it to check an install, and loading the whole
 * CLI costs more than starting Node itself. Everything else loads the CLI
 * (cli/main.ts) and runs it; the single binary loads it from an asset with a
 * V8 code cache made at build time (scripts/build/sea-bundle.mjs).
 */
import { EXIT_BROKEN_PIPE, EXIT_INTERNAL } from "../core/exit.ts";
import { markTime, writeTiming } from "./run-timing.ts";
import { warmTls } from "./tls-warmup.ts";
import { VERSION_LINE } from "./version.ts";

/** Where the npm package's entry leaves its importer (bin/code-cache.mjs). */
const ENTRY_IMPORTER = Symbol.for("smtpilot.entry-import");

markTime("started");
const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-V")) {
  // As commander would print it; a reader that went away is a quiet broken-pipe exit, as below.
  process.stdout.once("error", (err: NodeJS.ErrnoException) => {
    process.exitCode = err.code === "EPIPE" ? EXIT_BROKEN_PIPE : EXIT_INTERNAL;
  });
  process.stdout.write(`${VERSION_LINE}\n`, () => {
    markTime("exit");
    writeTiming();
  });
} else {
  // Node's CA certificates are read on another thread while the CLI loads (see tls-warmup.ts).
  if (warmTls(argv)) markTime("tls");
  // No top-level await: the bundle the single binary embeds is CommonJS.
  // Plugin files are imported from here (see useModuleImporter in cli/plugin-import.ts) — or by the
  // npm package's entry, which runs the bundle as a vm.Script (bin/code-cache.mjs), where `import()`
  // would need an experimental loader: it hands its own importer over under this name.
  const importModule = (globalThis as { [ENTRY_IMPORTER]?: (url: string) => Promise<unknown> })[ENTRY_IMPORTER] ??
    ((url: string): Promise<unknown> => import(url));
  import("./main.ts").then(({ runProcess }) => runProcess(argv, { importModule }), (err: unknown) => {
    process.stderr.write(`smtpilot: internal error (please report it): ${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(EXIT_INTERNAL);
  });
}
