// `npm run setup`: applies prisma/migrations to DATABASE_URL, or to the embedded database.
import { databaseEnvironment } from "../app/config/env.server";
import { openDatabase } from "../app/db/database.server";
import { migrate, readMigrations } from "../app/db/migrate.server";

const database = openDatabase(databaseEnvironment());
try {
  const { migrated } = await database.ready;
  const applied = migrated.length
    ? migrated
    : await database.withSqlRunner(async (sql) => migrate(sql, await readMigrations()));
  console.log(
    applied.length
      ? `Applied ${applied.length} migration(s) to ${database.kind} at ${database.location}: ${applied.join(", ")}`
      : `${database.kind} at ${database.location} is up to date.`,
  );
} finally {
  await database.close();
}
