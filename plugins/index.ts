/**
 * The built-in plugins, listed statically: a single binary cannot scan
 * folders. Add a plugin here to ship it.
 */
import jsonReporter from "./json-reporter/index.ts";
import gmail from "./gmail/index.ts";
import m365 from "./m365/index.ts";
import postfixRelay from "./postfix-relay/index.ts";
import ses from "./ses/index.ts";
import swaksBackend from "./swaks-backend/index.ts";
import type { Plugin } from "../core/plugin.ts";

/** Every built-in plugin, in load order. */
export const BUILTIN_PLUGINS: readonly Plugin[] = [jsonReporter, gmail, ses, m365, postfixRelay, swaksBackend];
