// Run-time half of "smtpilot/plugin" (types in plugin.d.ts): definePlugin is the identity, so a
// plugin that imports it works wherever "smtpilot" resolves, and changes nothing at run time.

/** Returns the plugin unchanged. */
export function definePlugin(plugin) {
  return plugin;
}
