/** Types of sea-bundle.mjs (the single binary's split build), for the tests. */

/** Packages loaded on first use. */
export declare const LAZY_PACKAGES: readonly string[];

/** Node builtins loaded on first use. */
export declare const LAZY_BUILTINS: readonly string[];

/** The asset name of a lazy package's bundle (`lazy/@scope__name`). */
export declare function lazyAsset(pkg: string): string;

/** Builds the boot script, the `cli` asset and one asset per lazy package into `dir`. */
export declare function buildSeaBundles(
  root: string,
  dir: string,
  define: Record<string, string>,
  options?: { minify?: boolean },
): Promise<{
  main: string;
  assets: Record<string, string>;
  lazy: Record<string, string[]>;
  /** The lazy objects that hold only the names an import clause reads: [package, subpath, names]. */
  named: [string, string, string[]][];
  sizes: Record<string, number>;
}>;

/** Node builtins dist/smtpilot.cjs loads on first use (lazyBuiltinFacades). */
export declare const BUNDLE_LAZY_BUILTINS: readonly string[];

/** The builtins' ESM facades (no per-file copy of a builtin's exports), as an esbuild plugin. */
export declare const builtinFacades: import("esbuild").Plugin;

/** BUNDLE_LAZY_BUILTINS loaded on first use, as an esbuild plugin (before builtinFacades). */
export declare const lazyBuiltinFacades: import("esbuild").Plugin;

/** Packages dist/smtpilot.cjs evaluates on first use of a name a file imports (lazyPackageFacades). */
export declare const BUNDLE_LAZY_PACKAGES: readonly string[];

/** BUNDLE_LAZY_PACKAGES loaded on first use, as an esbuild plugin. */
export declare const lazyPackageFacades: import("esbuild").Plugin;
