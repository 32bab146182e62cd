/**
 * The `--json` output: the versioned diagnosis document on stdout and nothing
 * else, so scripts and agents can parse it.
 */
import { definePlugin } from "../../core/plugin.ts";

/** Registers the "json" reporter. */
export default definePlugin({
  name: "json-reporter",
  version: "1.0.0",
  setup(api) {
    api.addReporter({
      name: "json",
      render: (report) => `${JSON.stringify(report, null, 2)}\n`,
    });
  },
});
