// The single binary's asset loader. The binary embeds its source (Function.prototype.toString) as
// the boot script's banner, and the build step that makes the V8 code caches (sea-cache.mjs) runs
// this same function over the asset files: V8 accepts a code cache only for the very source it was
// made from, so both sides must compile every asset identically.
//
// `host` says where things come from: source(name) → the asset's code, cache(name) → its code cache
// (a Uint8Array, or undefined), exportsIndex() → the export names of the lazy packages, require →
// the boot script's own require (builtins only, in a single binary), and optionally onScript(name,
// script) to see each compiled script (the cache builder keeps them to serialise their caches).

/**
 * Returns `{ load(name), lazy(pkg, sub, only?) }`. `load` compiles an asset (with its code cache when
 * there is one) and runs it once, as a CommonJS module. `lazy` is what the CLI's code gets for a
 * package bundled apart, or a Node builtin few runs use: an object whose properties load it on
 * first use — so importing `yaml` costs nothing until a YAML file is really read (with `only`, the
 * object holds just those names: what an import clause of names reads). Each load is recorded in the run's timing
 * (cli/run-timing.ts) with its time and whether V8 accepted the cache.
 */
export function assetLoader(host) {
  "use strict";
  const vm = host.require("node:vm");
  // The wrapper every asset is compiled in: its length is part of what the code cache is checked against.
  const head = "(function (module, exports, require, __smtpilotLazy) {";
  const tail = "\n})";
  const key = Symbol.for("smtpilot.timing");
  const timing = (globalThis[key] ??= { marks: [], assets: [], spans: [] });
  const loaded = new Map();
  let index;
  function load(name) {
    const done = loaded.get(name);
    if (done) return done.exports;
    const started = process.uptime() * 1000;
    const module = { exports: {} };
    loaded.set(name, module);
    const cachedData = host.cache(name);
    const script = new vm.Script(head + host.source(name) + tail, {
      filename: `smtpilot:${name}`,
      ...(cachedData ? { cachedData } : {}),
    });
    if (host.onScript) host.onScript(name, script);
    script.runInThisContext()(module, module.exports, host.require, lazy);
    timing.assets.push({
      asset: name,
      ms: Math.round((process.uptime() * 1000 - started) * 100) / 100,
      cache: cachedData === undefined ? "none" : script.cachedDataRejected ? "rejected" : "accepted",
    });
    return module.exports;
  }
  function lazy(pkg, sub, only) {
    // A package bundled apart is an asset; a builtin (`node:…`) comes from require.
    let value;
    const real =
      () => (value ??= pkg.startsWith("node:") ? host.require(pkg) : load(`lazy/${pkg.replace("/", "__")}`)[sub]);
    index ??= host.exportsIndex();
    let names = index[pkg]?.[sub];
    // Not a plain object of exports (a function, say): nothing to defer, load it now.
    if (!names) return real();
    // Imported by names only (`import { parse } from "yaml"`): the object holds those, not every
    // export — each is an accessor here and is copied twice more by esbuild's ESM interop.
    if (only) names = names.filter(([name]) => only.includes(name));
    const stub = {};
    for (const [name, enumerable] of names) {
      Object.defineProperty(
        stub,
        name,
        name === "__esModule" ? { value: true } : { enumerable, get: () => real()[name] },
      );
    }
    return stub;
  }
  return { load, lazy };
}
