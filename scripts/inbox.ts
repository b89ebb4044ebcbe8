// `npm run inbox -- parked [shop-domain] [topic]` lists the webhook deliveries the appliers parked
// (one JSON line each, with its error); `npm run inbox -- retry [shop-domain] [topic]` gives them
// back to the appliers once the cause is mended (docs/operations.md#parked-webhook-deliveries).
// Against DATABASE_URL; with the embedded database, only while the app is stopped.
import { databaseEnvironment } from "../app/config/env.server";
import { openDatabase } from "../app/db/database.server";
import { parkedDeliveries, retryParked } from "../app/db/inbox.server";

const PARKED_SHOWN = 1_000;
const [command, shopDomain, topic] = process.argv.slice(2);
if (command !== "parked" && command !== "retry") {
  console.error("usage: npm run inbox -- <parked|retry> [shop-domain] [topic]");
  process.exit(2);
}
const filter = { shopDomain: shopDomain || undefined, topic: topic || undefined };
const database = openDatabase(databaseEnvironment());
try {
  await database.ready;
  if (command === "parked") {
    const parked = await parkedDeliveries(database.prisma, filter, PARKED_SHOWN);
    for (const delivery of parked) console.log(JSON.stringify(delivery));
    if (parked.length === PARKED_SHOWN)
      console.error(`the oldest ${PARKED_SHOWN} shown: narrow by shop or topic for the rest`);
  } else {
    console.log(JSON.stringify({ retried: await retryParked(database.prisma, filter) }));
  }
} finally {
  await database.close();
}
