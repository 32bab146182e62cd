/**
 * Process entry point (source, bundle and single binary): runs the CLI and
 * exits with its code. A last-resort timer ends the process if some handle
 * outlives the command; it is unref'd, so it never delays a clean exit.
 */
import { main } from "./main.ts";

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
  setTimeout(() => process.exit(code), 3000).unref();
});
