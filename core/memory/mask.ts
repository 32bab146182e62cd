/**
 * Masking recipient addresses for logs a person may share: enough to tell
 * canaries apart (first character and the domain), not enough to harvest.
 */

/** `bob@example.net` → `b***@example.net`; text that is not an address becomes `***`. */
export function maskAddress(address: string): string {
  const at = address.lastIndexOf("@");
  if (at <= 0 || at === address.length - 1) return "***";
  const local = address.slice(0, at);
  return `${[...local][0]}***${address.slice(at)}`;
}
