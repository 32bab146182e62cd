/**
 * Process exit codes, one table for every command. A script can tell from
 * the code alone whether smtpilot found a problem (1, 10–16), was used wrong
 * (2), could not use the machine (3), refused on a safety gate (4) or hit a
 * bug (70). 0 is only ever returned after a result was printed.
 */

/** The command ran and found nothing wrong (warnings allowed). */
export const EXIT_OK = 0;
/** The command ran and found a problem (a domain audit with an error finding, a failed check). */
export const EXIT_FINDINGS = 1;
/** Usage error: a bad flag or value, named in the message. */
export const EXIT_USAGE = 2;
/** Environment error: a port in use, a missing folder, an unreadable file, a memory file that does not parse. */
export const EXIT_ENVIRONMENT = 3;
/** Refused by a safety gate: nothing was sent. */
export const EXIT_GATE = 4;
/** Internal error: a bug in smtpilot or a plugin — please report it (EX_SOFTWARE in sysexits.h). */
export const EXIT_INTERNAL = 70;
/** Stopped by a signal: 128 + the signal's number, as shells report it. */
export const EXIT_SIGNAL_BASE = 128;
/** stdout was closed by the reader (`| head`): 128 + SIGPIPE, as `ls` and `git` end. */
export const EXIT_BROKEN_PIPE = 141;
