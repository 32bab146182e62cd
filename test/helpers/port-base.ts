/**
 * A random port base for tests that want consecutive ports: below Linux's
 * ephemeral range (32768–60999 by default), where no `listen(0)` or outgoing
 * connection of another suite on this machine lands — so a slot a scenario
 * leaves empty on purpose (port-refusing) stays empty while the test runs.
 */

/** Lowest base handed out. */
const _LOW = 20000;
/** First port of the kernel's ephemeral range. */
const _EPHEMERAL = 32768;

/** A base with `room` ports after it, all below the ephemeral range. */
export function randomPortBase(room = 8): number {
  return _LOW + Math.floor(Math.random() * (_EPHEMERAL - room - _LOW));
}
