import fs from "node:fs";
import path from "node:path";

/**
 * Where the running demo listens, so `npm run demo:order` and `demo:proxy` find a demo started
 * on another PORT: `npm run demo` writes its address here, and removes it when it stops.
 */
export const DEMO_ADDRESS_FILE = path.join(".cache", "demo-url");

export function rememberDemoAddress(url: string, file = DEMO_ADDRESS_FILE): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${url}\n`);
}

export function forgetDemoAddress(file = DEMO_ADDRESS_FILE): void {
  fs.rmSync(file, { force: true });
}

/** TALLY_URL, else PORT on this machine, else the address the running demo wrote, else port 3000. */
export function demoAddress(env: Record<string, string | undefined> = process.env, file = DEMO_ADDRESS_FILE): string {
  if (env.TALLY_URL) return env.TALLY_URL.replace(/\/$/, "");
  if (env.PORT) return `http://127.0.0.1:${env.PORT}`;
  const written = fs.existsSync(file) ? fs.readFileSync(file, "utf8").trim() : "";
  return written || "http://127.0.0.1:3000";
}

/** fetch, but a demo that is not running is one clear line and exit code 1, not a stack trace. */
export async function fetchFromDemo(url: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    if (cause?.code !== "ECONNREFUSED") throw error;
    console.error(
      `Nothing answers at ${new URL(url).origin}: start \`npm run demo\` in another terminal first (or set TALLY_URL).`,
    );
    process.exit(1);
  }
}
