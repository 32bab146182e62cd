// The code the single binary embeds, split for start-up time. V8 compiles the main script at every
// start, and a SEA's own code cache (`useCodeCache`) holds only what V8 compiles before running it —
// the top level, not the functions of the modules the run then uses. So the main script is a small
// boot script (cli/smtpilot.ts: it answers `--version` itself), and the rest is embedded as assets,
// each compiled by the boot script's loader (sea-loader.mjs) with a V8 code cache made at build time
// after the code ran (sea-cache.mjs):
//   cli           the command line (cli/main.ts and everything it imports but the packages below)
//   lazy/<pkg>    each package only some commands need, loaded on first use of one of its exports
//                 (so are a few Node builtins: LAZY_BUILTINS)
// dist/smtpilot.cjs (for machines with Node) stays one self-contained file: see bundle.mjs.
import { build } from "esbuild";
import fs from "node:fs";
import { createRequire, isBuiltin } from "node:module";
import path from "node:path";
import { assetLoader } from "./sea-loader.mjs";

/** Packages loaded on first use: heavy, and needed by only some commands. */
export const LAZY_PACKAGES = [
  "@inquirer/prompts",
  "@modelcontextprotocol/sdk",
  "dns-packet",
  "imapflow",
  "jose",
  "mailauth",
  "node-forge",
  "nodemailer",
  "oauth4webapi",
  "smtp-server",
  "tldts",
  "yaml",
];

/**
 * Node builtins the CLI imports for some commands only (commander's executable subcommands, DNS
 * over UDP, a scale run's journal, the memory folder's files, OAuth's token requests and login
 * redirect over http/https, the watchdog thread of a user's plugin): each costs Node some compiling at
 * start-up, so they load on first use too. Those of the TLS probe stay eager — loading `tls` starts
 * reading Node's CA store on another thread, better early than at the handshake. (`node:module`
 * exports a function, so it could not wait.)
 */
export const LAZY_BUILTINS = ["child_process", "dgram", "readline", "fs/promises", "http", "https", "worker_threads"];

/**
 * Node options the binary starts with (the SEA config's `execArgv`; NODE_OPTIONS still adds to them).
 * A young generation of 16 MB from the start: V8 starts it at 1 MB and grows it only after
 * collecting, and a probe allocates ~8 MB (the CLI's source and code cache among it), so it paid
 * two scavenges (~4 ms) before its verdict. 16 MB is where V8 grows it under any steady load
 * anyway, so long runs keep the footprint they had. The build steps that make code caches run
 * with the same options, so that V8 accepts the caches whatever flags it checks them against.
 */
export const SEA_EXEC_ARGV = ["--min-semi-space-size=16"];

const _LAZY = new RegExp(`^(${LAZY_PACKAGES.map((p) => p.replace(/[/.]/g, "\\$&")).join("|")})(/.*)?$`);
const _LAZY_BUILTIN = new RegExp(`^(node:)?(${LAZY_BUILTINS.map((p) => p.replace(/[/.]/g, "\\$&")).join("|")})$`);

/** The package an import specifier belongs to (`@scope/name` or `name`). */
function packageOf(id) {
  const parts = id.split("/");
  return id.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

/**
 * The ESM facades of the CommonJS modules (Node builtins, lazy packages' stubs) that the CLI's
 * sources `import`. esbuild turns each `import` of a default or namespace from a CommonJS module
 * into its own copy of the module's exports (`__toESM`: one accessor per export, per importing
 * file): ~90 files import `node:fs`, `node:path`… and a probe spent ~2,700 `Object.defineProperty`
 * calls, about 2 ms, on those copies alone. Worse, reading a builtin's export descriptors
 * materialises its lazy exports: copying `node:util` loads its diff, parseArgs and worker modules.
 *
 * A builtin imported by names (`import fs, { readFileSync } from "node:fs"`) gets a facade per
 * import clause that reads only those names, once, and copies nothing: the default export is the
 * module itself, as Node gives it. Anything else — a namespace import, an export that is an
 * accessor, a lazy package's stub (whose accessors load the package) — gets a facade that copies
 * the module's exports once, shared by all its importers. An import the regular expressions below
 * misread fails the build ("No matching export"), never the run. `require` calls are left as they
 * are: they never copied.
 */
function _esmFacade(id, names) {
  const spec = JSON.stringify(id);
  if (names === undefined) return `const m = require(${spec});\nexport { m as default };\nexport * from ${spec};\n`;
  const read = names.map((n) => `${n} = m.${n}`).join(", ");
  return `const m = require(${spec});\nexport { m as default };\n${read ? `export const ${read};\n` : ""}`;
}

/**
 * What `importer` imports from `id` by its `import … from` clauses: the names (a Set, without
 * `default`) and whether it imports the default export — or undefined when it imports a namespace
 * or anything the pattern does not read (then the importer gets everything the module exports).
 */
function _importClauses(importer, id) {
  const text = fs.readFileSync(importer, "utf8");
  const quoted = id.replace(/[/.]/g, "\\$&");
  const clauses = [...text.matchAll(new RegExp(`\\b(import|export)\\s+([^;'"]*?)\\s*from\\s*["']${quoted}["']`, "g"))];
  if (clauses.length === 0) return undefined;
  const names = new Set();
  let withDefault = false;
  for (const [, kind, clause] of clauses) {
    if (/^type\s/.test(clause)) continue; // erased by esbuild
    const m = /^(?:([A-Za-z_$][\w$]*)\s*,?\s*)?(?:\{([^}]*)\})?$/.exec(clause.trim());
    if (!m || (kind === "export" && m[1])) return undefined; // `* as ns`, `export * from`…
    if (m[1]) withDefault = true;
    for (const part of (m[2] ?? "").split(",")) {
      const item = part.trim();
      if (item === "" || /^type\s/.test(item)) continue;
      const name = /^([A-Za-z_$][\w$]*)(?:\s+as\s+[A-Za-z_$][\w$]*)?$/.exec(item)?.[1];
      if (!name) return undefined;
      if (name === "default") withDefault = true;
      else names.add(name);
    }
  }
  return { names, withDefault };
}

/**
 * The names `importer` imports from the builtin `id`, or undefined when it imports a namespace, an
 * export that is an accessor, or anything the pattern does not read (the copying facade then).
 */
function _importedNames(importer, id) {
  const names = _importClauses(importer, id)?.names;
  if (!names) return undefined;
  const module = _require(id);
  // An accessor (fs.promises…) is read when used, not when the facade loads: the copying facade keeps that.
  for (const name of names) {
    if (!Object.prototype.hasOwnProperty.call(module, name) || Object.getOwnPropertyDescriptor(module, name).get) {
      return undefined;
    }
  }
  return [...names].sort();
}

const _require = createRequire(import.meta.url);

/** An `import` of a Node builtin, resolved to its ESM facade (_esmFacade); undefined for anything else. */
function _builtinFacade(args) {
  if (args.kind !== "import-statement" || args.namespace.startsWith("smtpilot-") || !isBuiltin(args.path)) {
    return undefined;
  }
  const names = _importedNames(args.importer, args.path);
  return { path: names ? `${args.path}?${names.join(",")}` : args.path, namespace: "smtpilot-esm" };
}

/** The source of a facade _builtinFacade resolved to. */
function _loadFacade(args) {
  const [id, names] = args.path.split("?");
  return { contents: _esmFacade(id, names === undefined ? undefined : names.split(",").filter(Boolean)), loader: "js" };
}

/**
 * Builtins dist/smtpilot.cjs loads on first use (its own LAZY_BUILTINS: the binary has its asset
 * loader's): commander (for executable subcommands, which smtpilot has none of), `cmd:` secrets, the
 * keyring tools and the swaks backend import node:child_process — which loads node:dgram and
 * internal/child_process with it, ~1 ms of a start that spawns nothing — and two files import
 * node:dgram. An import of functions only gets functions that load the builtin when called; a
 * default import, an object whose accessors load it. Anything else (a class, a constant, a
 * namespace) falls to the plain facade (builtinFacades).
 */
export const BUNDLE_LAZY_BUILTINS = ["child_process", "dgram"];

const _BUNDLE_LAZY = new RegExp(`^(node:)?(${BUNDLE_LAZY_BUILTINS.join("|")})$`);

/** An `import` of one of BUNDLE_LAZY_BUILTINS, resolved to its lazy facade; undefined when it cannot be one. */
function _lazyBuiltin(args) {
  if (args.kind !== "import-statement" || args.namespace.startsWith("smtpilot-") || !_BUNDLE_LAZY.test(args.path)) {
    return undefined;
  }
  const id = args.path.startsWith("node:") ? args.path : `node:${args.path}`;
  const clauses = _importClauses(args.importer, args.path);
  const module = _require(id);
  // A function's own symbols must be registered ones (execFile's util.promisify.custom): the facade's
  // wrapper gets each as a getter (_loadLazyBuiltin), or promisify(execFile) would resolve with stdout
  // alone instead of { stdout, stderr }.
  const plain = (f) =>
    typeof f === "function" && !/^class\b/.test(Function.prototype.toString.call(f)) &&
    Object.getOwnPropertySymbols(f).every((sym) => Symbol.keyFor(sym) !== undefined);
  if (!clauses || ![...clauses.names].every((n) => Object.hasOwn(module, n) && plain(module[n]))) return undefined;
  return {
    path: `${id}?${clauses.withDefault ? "default" : ""}&${[...clauses.names].sort().join(",")}`,
    namespace: "smtpilot-lazy-builtin",
  };
}

/** The source of a lazy facade _lazyBuiltin resolved to. */
function _loadLazyBuiltin(args) {
  const [id, clause] = args.path.split("?");
  const [withDefault, names] = clause.split("&");
  const spec = JSON.stringify(id);
  const lines = [`const load = () => require(${spec});`];
  for (const name of names.split(",").filter(Boolean)) {
    lines.push(`export function ${name}(...args) {\n  return load().${name}(...args);\n}`);
    for (const sym of Object.getOwnPropertySymbols(_require(id)[name])) {
      const key = `Symbol.for(${JSON.stringify(Symbol.keyFor(sym))})`;
      lines.push(`Object.defineProperty(${name}, ${key}, { get: () => load().${name}[${key}] });`);
    }
  }
  if (withDefault) {
    const keys = JSON.stringify(Object.keys(_require(id)));
    lines.push(
      "const m = {};",
      `for (const k of ${keys}) Object.defineProperty(m, k, { get: () => load()[k], enumerable: true });`,
      "export { m as default };",
    );
  }
  return { contents: `${lines.join("\n")}\n`, loader: "js" };
}

/** BUNDLE_LAZY_BUILTINS loaded on first use, for dist/smtpilot.cjs (before builtinFacades in a build's plugins). */
export const lazyBuiltinFacades = {
  name: "smtpilot-lazy-builtins",
  setup(b) {
    b.onResolve({ filter: _BUNDLE_LAZY }, _lazyBuiltin);
    b.onLoad({ filter: /.*/, namespace: "smtpilot-lazy-builtin" }, _loadLazyBuiltin);
  },
};

/**
 * Packages dist/smtpilot.cjs evaluates on first use of one of the names a file imports from them: the
 * YAML library, which the memory folder's files need only for text outside the plain subset
 * smtpilot writes (core/memory/yaml-subset.ts) — its 72 modules were evaluated in every command
 * that opened the memory folder. A file importing such a package by names gets an object whose
 * accessors load it (a default or namespace import: the package as it is).
 */
export const BUNDLE_LAZY_PACKAGES = ["yaml"];

const _BUNDLE_LAZY_PACKAGE = new RegExp(`^(${BUNDLE_LAZY_PACKAGES.join("|")})$`);

/** BUNDLE_LAZY_PACKAGES loaded on first use, for dist/smtpilot.cjs. */
export const lazyPackageFacades = {
  name: "smtpilot-lazy-packages",
  setup(b) {
    b.onResolve({ filter: _BUNDLE_LAZY_PACKAGE }, (args) => {
      if (
        args.kind !== "import-statement" || args.namespace !== "file" || /[\\/]node_modules[\\/]/.test(args.importer)
      ) {
        return undefined;
      }
      const clauses = _importClauses(args.importer, args.path);
      if (!clauses || clauses.withDefault || clauses.names.size === 0) return undefined;
      return {
        path: `${args.path}?${[...clauses.names].sort().join(",")}`,
        namespace: "smtpilot-lazy-package",
        // The package is resolved from where the importer would have resolved it.
        pluginData: { resolveDir: path.dirname(args.importer) },
      };
    });
    b.onLoad({ filter: /.*/, namespace: "smtpilot-lazy-package" }, (args) => {
      const [id, names] = args.path.split("?");
      const getters = names.split(",").map((n) => `  ${n}: { get: () => load().${n}, enumerable: true },`);
      return {
        contents: `const load = () => require(${JSON.stringify(id)});\n` +
          `Object.defineProperties(module.exports, {\n${getters.join("\n")}\n});\n`,
        loader: "js",
        resolveDir: args.pluginData.resolveDir,
      };
    });
  },
};

/**
 * The builtins' ESM facades alone, for dist/smtpilot.cjs (bundle.mjs): there too every file that
 * imported `node:fs` got its own copy of its 108 exports — a scale send made ~3,100
 * `Object.defineProperty` calls copying builtins' exports at start.
 */
export const builtinFacades = {
  name: "smtpilot-builtin-facades",
  setup(b) {
    b.onResolve({ filter: /.*/ }, _builtinFacade);
    b.onLoad({ filter: /.*/, namespace: "smtpilot-esm" }, _loadFacade);
  },
};

/** The asset name of a lazy package's bundle. */
export function lazyAsset(pkg) {
  return `lazy/${pkg.replace("/", "__")}`;
}

// The boot script's first lines: the asset loader, reading from the binary's SEA assets.
const BANNER = `var __smtpilotAssets=(${assetLoader.toString()})({require,` +
  `source:(n)=>require("node:sea").getAsset(n+".js","utf8"),` +
  `cache:(n)=>{try{return new Uint8Array(require("node:sea").getRawAsset(n+".cache"))}catch{return undefined}},` +
  `exportsIndex:()=>JSON.parse(require("node:sea").getAsset("lazy/exports.json","utf8"))});`;

const _common = { bundle: true, platform: "node", format: "cjs", target: "node24", legalComments: "none" };

/**
 * Commander tests every option's flags for `<value...>` with `/\p{ID_Continue}\.\.\.[>\]]$/u`: the
 * first use of that pattern builds ICU's ID_Continue set (~2.4 M instructions, ~0.7 ms), though no
 * smtpilot option is variadic. The cheap test of its plain tail goes first: the same result, and
 * the Unicode class is built only for flags that end in `...>` or `...]`.
 */
export const commanderVariadicGuard = {
  name: "smtpilot-commander-variadic",
  setup(b) {
    b.onLoad({ filter: /[\\/]commander[\\/]lib[\\/]option\.js$/ }, (args) => {
      const text = fs.readFileSync(args.path, "utf8");
      const slow = "/\\p{ID_Continue}\\.\\.\\.[>\\]]$/u.test(flags)";
      if (!text.includes(slow)) return undefined; // another commander: left as it is
      return { contents: text.replace(slow, `/\\.\\.\\.[>\\]]$/.test(flags) && ${slow}`), loader: "js" };
    });
  },
};

/**
 * Leaves nodemailer's URL fetching (its `fetch` module: node:http, node:https, node:zlib, cookies)
 * out of the build: every module that composes a message loads it, ~3 ms a run, and smtpilot never
 * lets nodemailer fetch (core/send/draft.ts composes with disableUrlAccess and disableFileAccess). A
 * call would throw rather than reach the network.
 */
export const nodemailerNoFetch = {
  name: "smtpilot-nodemailer-no-fetch",
  setup(b) {
    b.onResolve(
      { filter: /^\.\.\/fetch\/index\.js$/ },
      (args) =>
        /[\\/]nodemailer[\\/]dist[\\/]/.test(args.importer)
          ? { path: "nodemailer-fetch", namespace: "smtpilot-no-fetch" }
          : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "smtpilot-no-fetch" }, () => ({
      contents: "export default function nmfetch() {\n" +
        '  throw new Error("smtpilot never lets nodemailer fetch a URL (left out of this build)");\n}\n',
      loader: "js",
    }));
  },
};

/**
 * Builds the boot script, the `cli` asset and one bundle per lazy package into `dir` (each asset as
 * `<name>.js`); returns the boot script's path, the assets (name → file), the lazy packages with the
 * subpaths the CLI imports, and the sizes. The code caches and `lazy/exports.json` come after, from
 * sea-cache.mjs.
 */
export async function buildSeaBundles(root, dir, define, options = {}) {
  const minify = options.minify ?? true;
  // 1. The boot script: cli/smtpilot.ts, whose `import("./main.ts")` becomes the `cli` asset.
  const main = path.join(dir, "smtpilot-sea.cjs");
  await build({
    ..._common,
    entryPoints: [path.join(root, "cli/smtpilot.ts")],
    outfile: main,
    minify,
    define,
    banner: { js: BANNER },
    plugins: [{
      name: "smtpilot-cli-asset",
      setup(b) {
        b.onResolve(
          { filter: /^\.\/main\.ts$/ },
          (args) =>
            args.kind === "dynamic-import" && args.importer === path.join(root, "cli/smtpilot.ts")
              ? { path: "cli", namespace: "smtpilot-asset" }
              : undefined,
        );
        b.onLoad({ filter: /.*/, namespace: "smtpilot-asset" }, () => ({
          contents: `module.exports = __smtpilotAssets.load("cli");`,
          loader: "js",
        }));
      },
    }],
    logLevel: "warning",
  });
  if (/require\("(?!node:)/.test(fs.readFileSync(main, "utf8"))) {
    throw new Error("the boot script requires a package: it must hold only the entry");
  }

  // 2. The `cli` asset: every import of a lazy package becomes the loader's lazy object.
  const used = new Map(); // package → subpaths imported
  const named = []; // [package, subpath, names]: the lazy objects that hold only the names imported
  const file = (name) => path.join(dir, `${name}.js`);
  await build({
    ..._common,
    entryPoints: [path.join(root, "cli/main.ts")],
    outfile: file("cli"),
    minify,
    define,
    plugins: [commanderVariadicGuard, {
      name: "smtpilot-lazy",
      setup(b) {
        // An `import` of a builtin or lazy package goes through its ESM facade (below), once per module.
        b.onResolve({ filter: /.*/ }, (args) => {
          if (args.kind !== "import-statement" || args.namespace.startsWith("smtpilot-")) return undefined;
          if (_LAZY.test(args.path) || _LAZY_BUILTIN.test(args.path)) {
            const clauses = _importClauses(args.importer, args.path);
            if (!clauses) return { path: args.path, namespace: "smtpilot-esm" };
            const names = [...clauses.names].sort().join(",");
            return {
              path: `${args.path}?${clauses.withDefault ? "default" : ""}&${names}`,
              namespace: "smtpilot-lazy-esm",
            };
          }
          return _builtinFacade(args);
        });
        b.onLoad({ filter: /.*/, namespace: "smtpilot-esm" }, _loadFacade);
        // A lazy package imported by names: a facade per set of names, re-exporting a lazy object that
        // holds those names only (and the whole lazy object as default export, when imported).
        b.onLoad({ filter: /.*/, namespace: "smtpilot-lazy-esm" }, (args) => {
          const [id, clause] = args.path.split("?");
          const [withDefault, names] = clause.split("&");
          const spec = JSON.stringify(id);
          return {
            contents: (withDefault ? `const m = require(${spec});\nexport { m as default };\n` : "") +
              (names ? `export * from ${JSON.stringify(`${id}?${names}`)};\n` : ""),
            loader: "js",
          };
        });
        b.onResolve({ filter: /\?/, namespace: "smtpilot-lazy-esm" }, (args) => ({
          path: _LAZY_BUILTIN.test(args.path.split("?")[0]) && !args.path.startsWith("node:")
            ? `node:${args.path}`
            : args.path,
          namespace: "smtpilot-lazy",
        }));
        b.onResolve({ filter: _LAZY }, (args) => ({ path: args.path, namespace: "smtpilot-lazy" }));
        b.onResolve({ filter: _LAZY_BUILTIN }, (args) => ({
          path: args.path.startsWith("node:") ? args.path : `node:${args.path}`,
          namespace: "smtpilot-lazy",
        }));
        b.onLoad({ filter: /.*/, namespace: "smtpilot-lazy" }, (args) => {
          const [spec, names] = args.path.split("?");
          const builtin = spec.startsWith("node:");
          const pkg = builtin ? spec : packageOf(spec);
          const sub = builtin ? "." : spec.slice(pkg.length + 1) || ".";
          if (!used.has(pkg)) used.set(pkg, new Set());
          used.get(pkg).add(sub);
          const only = names === undefined ? [] : [JSON.stringify(names.split(","))];
          if (names !== undefined) named.push([pkg, sub, names.split(",")]);
          return {
            contents: `module.exports = __smtpilotLazy(${
              [pkg, sub].map((v) => JSON.stringify(v)).concat(only).join(", ")
            });`,
            loader: "js",
          };
        });
      },
    }],
    logLevel: "warning",
  });
  const assets = { cli: file("cli") };
  // The CLI's source reaches V8 as a string at every start: ASCII makes it a one-byte string, where
  // one non-ASCII character (esbuild escapes strings, not regular expressions) doubled it to two
  // bytes a character and cost ~1 ms to decode. Write such characters as \u escapes in the sources.
  // (Unminified, for profiling, the asset keeps some comments, which may hold any character.)
  const text = fs.readFileSync(file("cli"), "utf8");
  const at = text.search(/[\u0080-\uffff]/);
  if (minify && at >= 0) {
    throw new Error(
      `the CLI asset must be ASCII: write ${JSON.stringify(text[at])} as a \\u escape in ${
        JSON.stringify(text.slice(Math.max(0, at - 60), at + 20))
      }`,
    );
  }

  // 3. One bundle per lazy package, exporting each subpath the CLI imports: one copy of its modules.
  for (const [pkg, subs] of used) {
    if (pkg.startsWith("node:")) continue;
    const entry = [...subs].map((s) =>
      `${JSON.stringify(s)}: require(${JSON.stringify(s === "." ? pkg : `${pkg}/${s}`)})`
    );
    const name = lazyAsset(pkg);
    await build({
      ..._common,
      stdin: { contents: `module.exports = { ${entry.join(", ")} };`, resolveDir: root, loader: "js" },
      outfile: file(name),
      minify,
      plugins: [nodemailerNoFetch],
      logLevel: "error",
    });
    assets[name] = file(name);
  }
  return {
    main,
    assets,
    lazy: Object.fromEntries([...used].map(([pkg, subs]) => [pkg, [...subs]])),
    named,
    sizes: Object.fromEntries(
      [main, ...Object.values(assets)].map((f) => [path.relative(dir, f), fs.statSync(f).size]),
    ),
  };
}
