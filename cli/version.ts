/**
 * What `smtpilot --version` prints: the version (kept equal to package.json by
 * a test), then the runtime and how this copy was built, because a bug report
 * needs all three.
 */

/** The package version. */
export const VERSION = "0.1.0";

/** The kind of build: set by the bundler for dist/smtpilot.cjs; the binary is detected at run time. */
declare const SMTPILOT_BUILD: string | undefined;

function _build(): string {
  const deno = (globalThis as { Deno?: { version: { deno: string } } }).Deno;
  if (deno) return `deno ${deno.version.deno}, from source`;
  const sea = process.getBuiltinModule?.("node:sea") as { isSea?: () => boolean } | undefined;
  const kind = sea?.isSea?.() ? "single binary" : typeof SMTPILOT_BUILD === "string" ? SMTPILOT_BUILD : "from source";
  return `node ${process.version}, ${process.platform}-${process.arch}, ${kind}`;
}

/** `smtpilot 0.1.0 (node v24.x, linux-x64, single binary)`. */
export const VERSION_LINE = `smtpilot ${VERSION} (${_build()})`;
