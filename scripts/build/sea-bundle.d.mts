/** Types of sea-bundle.mjs (the single binary's split build), for the tests. */

/** Packages loaded on first use. */
export declare const LAZY_PACKAGES: readonly string[];

/** Builds the main script and one bundle per lazy package into `dir`. */
export declare function buildSeaBundles(
  root: string,
  dir: string,
  define: Record<string, string>,
): Promise<{ main: string; assets: Record<string, string>; sizes: Record<string, number> }>;
