/** Types of sea-loader.mjs (the single binary's asset loader), for the tests. */

/** Where the loader gets assets from. */
export interface AssetHost {
  require: (id: string) => unknown;
  source: (name: string) => string;
  cache: (name: string) => Uint8Array | undefined;
  exportsIndex: () => Record<string, Record<string, [string, boolean][] | null>>;
  onScript?: (name: string, script: unknown) => void;
}

/** The loader: `load` runs an asset once, `lazy` defers a package or builtin (or only the names `only` lists) to its first use. */
export declare function assetLoader(host: AssetHost): {
  load(name: string): Record<string, unknown>;
  lazy(pkg: string, sub: string, only?: string[]): unknown;
};
