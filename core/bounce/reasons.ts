/**
 * The reason vocabulary of `explain` and `bounce` in one import: Sisimai 5's
 * names and the older names that map to them (reason-types.ts), and what
 * each reason means and what to do about it (reason-info.ts).
 */
export * from "./reason-types.ts";
export * from "./reason-info.ts";
