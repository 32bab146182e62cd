// A second smtpilot process for the concurrency test: appends ENTRIES send-log entries and journal
// lines, and adds PROFILES profiles, all tagged with this worker's id, as fast as it can.
import { openMemory } from "../../core/memory/store.ts";

const [home, id, entries, profiles] = process.argv.slice(2) as [string, string, string, string];
const store = openMemory({ home });
await Promise.all([
  (async () => {
    for (let i = 0; i < Number(entries); i++) {
      await store.appendSendLog({
        kind: "canary",
        profile: `w${id}`,
        queueId: `${id}-${i}`,
        note: "x".repeat(i % 7 * 300),
      });
    }
  })(),
  (async () => {
    for (let i = 0; i < Number(entries); i++) {
      await store.appendJournal("race", { worker: id, i, pad: "y".repeat(5000) });
    }
  })(),
  (async () => {
    for (let i = 0; i < Number(profiles); i++) {
      await store.saveProfile({ name: `w${id}-p${i}`, host: "relay.example", port: 25, tls: "starttls" });
    }
  })(),
]);
