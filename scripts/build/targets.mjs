// The platforms smtpilot's single binary is built for. A target is listed only when the npm
// registry has the pinned Node version's runtime for it (`npm view node-<target> versions`):
// the registry's `node-<os>-<arch>` packages exist for some Node 24 releases only, and no 24.x
// has them all. Node 24.21.0 (package.json's `node` dev dependency) has linux-x64, linux-arm64
// and win-x64; darwin-x64 stops at 24.18.1 and darwin-arm64 has none, so macOS users run the
// npm package or the bundle. test/build/runtimes.test.ts checks each listed runtime exists.

/** Targets `npm run release` builds, as `<os>-<arch>` (os: linux, darwin, win). */
export const TARGETS = ["linux-x64", "linux-arm64", "win-x64"];

/** The npm package that holds a target's Node runtime. */
export function runtimePackage(target) {
  return `node-${target}`;
}

/** The file name of a target's binary. */
export function binaryName(target) {
  return `smtpilot-${target}${target.startsWith("win-") ? ".exe" : ""}`;
}

/** This machine as a target name. */
export function hostTarget() {
  return `${process.platform === "win32" ? "win" : process.platform}-${process.arch}`;
}
