/**
 * The built-in plugins, listed statically: a single binary cannot scan
 * folders. Add a plugin here to ship it.
 */
import jsonReporter from "./json-reporter/index.ts";
import type { Plugin } from "../core/plugin.ts";

/** Every built-in plugin, in load order. */
export const BUILTIN_PLUGINS: readonly Plugin[] = [jsonReporter];
