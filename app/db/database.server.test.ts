import { once } from "node:events";
import { createServer, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "./database.server";

// A PostgreSQL server that accepts the connection and, in the same packet, terminates it
// (ReadyForQuery followed by FATAL 57P01) — what a failover or pg_terminate_backend can do.
function terminatingServer(): Server {
  return createServer((socket: Socket) => {
    socket.once("data", () => {
      const message = (type: string, body: Buffer) => {
        const header = Buffer.alloc(5);
        header.write(type, 0);
        header.writeInt32BE(body.length + 4, 1);
        return Buffer.concat([header, body]);
      };
      const fields = Buffer.from("SFATAL\0C57P01\0Mterminating connection due to administrator command\0\0");
      socket.end(
        Buffer.concat([message("R", Buffer.from([0, 0, 0, 0])), message("Z", Buffer.from("I")), message("E", fields)]),
      );
    });
  });
}

let server: Server | undefined;
afterEach(async () => {
  server?.close();
  server = undefined;
});

describe("a connection terminated as it opens", () => {
  it("fails the query or transaction, not the process", async () => {
    server = terminatingServer();
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const { port } = server.address() as { port: number };
    const database = openDatabase({ databaseUrl: `postgresql://postgres@127.0.0.1:${port}/tally`, poolMax: 1 });
    const uncaught: unknown[] = [];
    const record = (error: unknown) => uncaught.push(error);
    process.on("uncaughtException", record);
    try {
      await expect(database.prisma.$queryRaw`SELECT 1`).rejects.toThrow();
      // A transaction borrows its connection and attaches its listener a tick later.
      await expect(database.prisma.$transaction((tx) => tx.$queryRaw`SELECT 1`)).rejects.toThrow();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(uncaught).toEqual([]);
    } finally {
      process.off("uncaughtException", record);
      await database.close();
    }
  });
});
