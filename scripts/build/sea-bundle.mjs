// The code the single binary embeds, split for start-up time. V8 compiles the main script at
// every start, and its cost grows with its size: the whole CLI with IMAP, MIME, the MCP SDK,
// node-forge… is ~2.8 MB and made `smtpilot --version` twice as slow as `node -e 0`. So the
// packages only some commands need are bundled apart, each into one CommonJS file embedded as a
// SEA asset, and loaded (once, on first use) by a small loader in the main script; everything
// else — the CLI, the core, the diagnosis — stays in the main script and its V8 code cache.
// dist/smtpilot.cjs (for machines with Node) stays one self-contained file: see bundle.mjs.
import { build } from "esbuild";
import fs from "node:fs";
import path from "node:path";

/** Packages loaded on first use: heavy, and needed by only some commands. */
export const LAZY_PACKAGES = [
  "@inquirer/prompts",
  "@modelcontextprotocol/sdk",
  "imapflow",
  "node-forge",
  "nodemailer",
  "smtp-server",
  "tldts",
  "yaml",
];

const _LAZY = new RegExp(`^(${LAZY_PACKAGES.map((p) => p.replace(/[/.]/g, "\\$&")).join("|")})(/.*)?$`);

/** The package an import specifier belongs to (`@scope/name` or `name`). */
function packageOf(id) {
  const parts = id.split("/");
  return id.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

// Defined before any bundled code runs: loads an asset's bundle on first use, caches it per package.
const LOADER =
  `var __smtpilotLazy=(()=>{const sea=require("node:sea");const cache=new Map();return(pkg,sub)=>{let m=cache.get(pkg);if(!m){m={exports:{}};cache.set(pkg,m);const code=sea.getAsset("lazy/"+pkg.replace("/","__")+".cjs","utf8");new Function("module","exports","require","__filename","__dirname",code)(m,m.exports,require,pkg,"/");}return m.exports[sub];};})();`;

/**
 * Builds the main script and one bundle per lazy package into `dir`; returns the main script's
 * path and the SEA `assets` map (asset name → file).
 */
export async function buildSeaBundles(root, dir, define) {
  const used = new Map(); // package → subpaths imported
  const stub = {
    name: "smtpilot-lazy",
    setup(b) {
      b.onResolve({ filter: _LAZY }, (args) => ({ path: args.path, namespace: "smtpilot-lazy" }));
      b.onLoad({ filter: /.*/, namespace: "smtpilot-lazy" }, (args) => {
        const pkg = packageOf(args.path);
        const sub = args.path.slice(pkg.length + 1) || ".";
        if (!used.has(pkg)) used.set(pkg, new Set());
        used.get(pkg).add(sub);
        return {
          contents: `module.exports = __smtpilotLazy(${JSON.stringify(pkg)}, ${JSON.stringify(sub)});`,
          loader: "js",
        };
      });
    },
  };
  const main = path.join(dir, "smtpilot-sea.cjs");
  await build({
    entryPoints: [path.join(root, "cli/smtpilot.ts")],
    outfile: main,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node24",
    minify: true,
    legalComments: "none",
    define,
    banner: { js: LOADER },
    plugins: [stub],
    logLevel: "warning",
  });
  const assets = {};
  for (const [pkg, subs] of used) {
    // One bundle per package, exporting each subpath the CLI imports: one copy of its modules.
    const entry = [...subs].map((s) =>
      `${JSON.stringify(s)}: require(${JSON.stringify(s === "." ? pkg : `${pkg}/${s}`)})`
    );
    const file = path.join(dir, "lazy", `${pkg.replace("/", "__")}.cjs`);
    await build({
      stdin: { contents: `module.exports = { ${entry.join(", ")} };`, resolveDir: root, loader: "js" },
      outfile: file,
      bundle: true,
      platform: "node",
      format: "cjs",
      target: "node24",
      minify: true,
      legalComments: "none",
      logLevel: "error",
    });
    assets[`lazy/${path.basename(file)}`] = file;
  }
  return {
    main,
    assets,
    sizes: Object.fromEntries([main, ...Object.values(assets)].map((f) => [path.basename(f), fs.statSync(f).size])),
  };
}
