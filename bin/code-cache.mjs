// The npm package's V8 code cache. Node's own compile cache (module.enableCompileCache) keeps only
// what V8 compiled while loading the bundle — its top level: every function a command runs was parsed
// and compiled again at every start (a scale send's start-up spent ~10 % of its instructions in V8's
// scanner and bytecode generator), and its key is a CRC32 of the whole 5 MB bundle. So the bundle runs
// here as a vm.Script whose code cache is written after the first run of each command word (`send`,
// `preflight`, none for `--version`…), when it holds what that run compiled: each command later reads
// the cache of its own code, not of every command's. A run of the same command with other options
// (a canary, then a list) may compile more: the cache is made again after it, holding both, for the
// first few such variants of a command. The single binary does the same at build time
// for its CLI asset (scripts/build/sea-cache.mjs).
//
// V8 trusts a code cache as it trusts code: it runs what the cache holds. So the cache lives only in
// a folder of this user's (in the user's cache folder, $XDG_CACHE_HOME or ~/.cache, else the system's
// temporary folder: mode 0700, owned by this user, never a link), each file owned by this user and
// written by nobody else, and is tied to the exact bundle file (device, inode, size, modification
// time) and Node version. Node's own compile cache, when the entry uses it, is kept inside the same
// folder (`node/`), never in its default place in the temporary folder, where it checks no owner:
// another user who made that folder first could plant compiled code there. Anything else — no such
// folder possible, a folder or file another user could write, Windows — and the bundle runs with no
// cache at all. A cache V8 refuses (another V8, other flags) is made again.
// Builtins by process.getBuiltinModule, not `import` (see bin/smtpilot.mjs).
const fs = process.getBuiltinModule("node:fs");
const module = process.getBuiltinModule("node:module");
const os = process.getBuiltinModule("node:os");
const path = process.getBuiltinModule("node:path");
const { fileURLToPath } = process.getBuiltinModule("node:url");
const vm = process.getBuiltinModule("node:vm");

/** Header of a cache file: the variants (option names) whose runs made it, a newline, then V8's data. */
const _MAGIC = "smtpilot-code-cache/1 ";
/** core/exit.ts's EXIT_USAGE (the CLI is not loaded here). */
const _EXIT_USAGE = 2;
/** Variants of one command after which a cache is no longer made again (bounds the writes). */
const _MAX_VARIANTS = 8;
/** Node's CommonJS wrapper, with which scripts/build/bundle.mjs opens the bundle (see BUNDLE_TAIL). */
export const BUNDLE_HEAD = "(function (exports, require, module, __filename, __dirname) {";
/** Where the entry hands the wrapper's arguments to a bundle it runs as a vm.Script (see BUNDLE_TAIL). */
const _BUNDLE_ARGUMENTS = Symbol.for("smtpilot.bundle-arguments");
/**
 * How scripts/build/bundle.mjs closes the bundle: the wrapper calls itself with the arguments the
 * entry left under _BUNDLE_ARGUMENTS, else (required as a module: Node, Deno, the binary's build) with
 * those of the module wrapper around it. Run as a vm.Script the file is then compiled as it is:
 * wrapping a 5 MB source in a template string made V8 copy it whole (~3 ms of a start).
 */
export const BUNDLE_TAIL =
  '\n})(...(globalThis[Symbol.for("smtpilot.bundle-arguments")] ?? [exports, require, module, __filename, __dirname]));\n';

/**
 * Runs the CommonJS bundle at `url` with a V8 code cache; false (nothing run) when no cache can be
 * kept safely here, so the caller runs it another way. `argv` (the command line) names the command
 * word whose cache is read, or made after the run. `options.folder` replaces the cache folder and
 * `options.report` hears which cache the run started from (tests).
 */
export function runWithCodeCache(url, argv, options = {}) {
  _mark("entry");
  const file = fileURLToPath(url);
  const word = _commandWord(argv);
  // A word that could not be a command's name makes no file name (an unknown name ends as a usage
  // error, after which no cache is written: see the exit handler below).
  if (!/^[a-z][a-z0-9-]{0,39}$|^$/.test(word)) return false;
  const folder = "folder" in options ? options.folder : userCacheFolder();
  if (!folder || typeof vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER !== "symbol") return false;
  let stat;
  try {
    stat = fs.statSync(file, { bigint: true });
  } catch {
    return false;
  }
  // The bundle file by its identity (an install writes a new file: another inode and time), and the Node.
  const key = [stat.dev, stat.ino, stat.size, stat.mtimeNs, process.version, process.arch].join("-");
  const cacheFile = path.join(folder, `${key}-${word || "none"}.v8`);
  const held = _read(cacheFile);
  // A command's first run starts from another command's cache of the same bundle, when there is one
  // (the smallest: the top level and the CLI's common code, without compiling the whole bundle cold).
  const seed = held ? undefined : _seed(folder, `${key}-`);
  // A variant: the options named (not --home: where the memory folder is changes no code).
  const named = argv.map((a) => /^--([a-z][a-z0-9-]{0,39})(?:=|$)/.exec(a)?.[1]).filter((o) => o && o !== "home");
  const variant = [...new Set(named)].sort().join(",");
  _mark("cache-read");
  const source = fs.readFileSync(file, "utf8");
  // A bundle of bundle.mjs's is already wrapped; another CommonJS file (the tests') is wrapped here.
  const wrapped = source.startsWith(BUNDLE_HEAD) && source.endsWith(BUNDLE_TAIL);
  _mark("source-read");
  const script = new vm.Script(wrapped ? source : `${BUNDLE_HEAD}${source}\n})`, {
    filename: file,
    ...(held ?? seed ? { cachedData: (held ?? seed).data } : {}),
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  _mark("script");
  // Made as the process exits (every ending goes through process.exit): then it holds what the run
  // compiled, and what the cache it was given held (V8 keeps both).
  const accepted = held !== undefined && script.cachedDataRejected !== true;
  options.report?.({ from: held ? "own" : seed ? "seed" : "none", rejected: script.cachedDataRejected === true });
  if (!accepted || (!held.variants.includes(variant) && held.variants.length < _MAX_VARIANTS)) {
    const variants = accepted ? [...held.variants, variant] : [variant];
    // Not after a usage error (exit 2): `smtpilot typo` compiled nothing worth keeping a file for.
    process.once("exit", (code) => code !== _EXIT_USAGE && _write(folder, cacheFile, variants, script));
  }
  // Plugin files are imported by this module, not from inside the script (cli/smtpilot.ts).
  globalThis[Symbol.for("smtpilot.entry-import")] = (specifier) => import(specifier);
  const mod = { exports: {}, filename: file, id: file, loaded: false };
  const args = [mod.exports, module.createRequire(file), mod, file, path.dirname(file)];
  if (!wrapped) {
    script.runInThisContext()(...args);
    return true;
  }
  // Only while the bundle's top level runs: its functions keep the wrapper's parameters, not this global.
  globalThis[_BUNDLE_ARGUMENTS] = args;
  try {
    script.runInThisContext();
  } finally {
    delete globalThis[_BUNDLE_ARGUMENTS];
  }
  return true;
}

/**
 * Marks `name` in the run's timing record (core/run-timing.ts, shared by its global name), which the CLI
 * writes out with SMTPILOT_TIMING=1: the entry's own steps before the bundle's first line ("started").
 */
function _mark(name) {
  const record = (globalThis[Symbol.for("smtpilot.timing")] ??= { marks: [], assets: [], spans: [] });
  const cpu = process.cpuUsage();
  record.marks.push([name, Math.round(process.uptime() * 1e5) / 100, Math.round((cpu.user + cpu.system) / 10) / 100]);
}

/** The smallest cache in `folder` whose name starts with `prefix` and that is this user's alone, else undefined. */
function _seed(folder, prefix) {
  try {
    const names = fs.readdirSync(folder).filter((n) => n.startsWith(prefix) && n.endsWith(".v8"));
    const sized = names.map((n) => [n, fs.lstatSync(path.join(folder, n)).size]).sort((a, b) => a[1] - b[1]);
    return sized.length > 0 ? _read(path.join(folder, sized[0][0])) : undefined;
  } catch {
    return undefined;
  }
}

/** The command word of `argv`, as cli/command-word.ts finds it (the CLI is not loaded yet); "" when none. */
function _commandWord(argv) {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--") break;
    if (!argv[i].startsWith("-")) return argv[i];
    if (argv[i] === "--home" || argv[i] === "--plugin") i++;
  }
  return "";
}

/**
 * This user's cache folder: under $XDG_CACHE_HOME (when absolute) or ~/.cache, which no other user
 * can make first, else under the system's temporary folder; undefined when none can be trusted.
 */
export function userCacheFolder() {
  const xdg = process.env.XDG_CACHE_HOME;
  const home = os.homedir();
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.isAbsolute(home) ? path.join(home, ".cache") : undefined;
  if (base !== undefined) {
    try {
      fs.mkdirSync(base, { recursive: true, mode: 0o700 });
      const folder = cacheFolder(base);
      if (folder) return folder;
    } catch {
      // a home that cannot be written (a service account, a read-only system): the temporary folder
    }
  }
  return cacheFolder(os.tmpdir());
}

/** This user's cache folder under `base`, made when missing; undefined when none can be trusted (or on Windows). */
export function cacheFolder(base = os.tmpdir()) {
  const uid = process.getuid?.();
  if (uid === undefined) return undefined;
  const folder = path.join(base, `smtpilot-code-cache-${uid}`);
  try {
    // The folder holding ours must not let another user swap ours for theirs after the check below:
    // this user's or root's, and sticky when others may write in it (as /tmp is).
    const above = fs.statSync(base);
    if (above.uid !== uid && above.uid !== 0) return undefined;
    if ((above.mode & 0o022) !== 0 && (above.mode & 0o1000) === 0) return undefined;
    fs.mkdirSync(folder, { mode: 0o700 });
  } catch (err) {
    if (err.code !== "EEXIST") return undefined;
  }
  try {
    const st = fs.lstatSync(folder);
    return st.isDirectory() && st.uid === uid && (st.mode & 0o077) === 0 ? folder : undefined;
  } catch {
    return undefined;
  }
}

/** The cache held in `file` (`{ variants, data }`) when the file is this user's alone, else undefined. */
function _read(file) {
  let fd;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
    const st = fs.fstatSync(fd);
    if (!st.isFile() || st.uid !== process.getuid() || (st.mode & 0o022) !== 0) return undefined;
    const buffer = fs.readFileSync(fd);
    const eol = buffer.indexOf(10);
    const header = eol < 0 ? "" : buffer.toString("latin1", 0, eol);
    if (!header.startsWith(_MAGIC)) return undefined;
    return { variants: header.slice(_MAGIC.length).split(" "), data: buffer.subarray(eol + 1) };
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Writes the cache whole (a new file renamed over the old one), mode 0600; a failure only loses the cache. */
function _write(folder, file, variants, script) {
  const partial = path.join(folder, `.${process.pid}-${Date.now()}.tmp`);
  try {
    const header = Buffer.from(`${_MAGIC}${variants.join(" ")}\n`, "latin1");
    fs.writeFileSync(partial, Buffer.concat([header, script.createCachedData()]), {
      mode: 0o600,
      flag: "wx",
    });
    fs.renameSync(partial, file);
  } catch {
    fs.rmSync(partial, { force: true });
  }
  _prune(folder);
}

/** Caches are made again when used, so those untouched for a week (of builds since replaced) are removed. */
function _prune(folder) {
  const old = Date.now() - 7 * 24 * 3600 * 1000;
  try {
    for (const name of fs.readdirSync(folder)) {
      const file = path.join(folder, name);
      if (/\.(v8|tmp)$/.test(name) && fs.lstatSync(file).mtimeMs < old) fs.rmSync(file, { force: true });
    }
  } catch {
    // a cache left behind costs disk space only
  }
}
