import { execFile } from "node:child_process";
import { cp, mkdtemp, rm, symlink } from "node:fs/promises";
import { readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { parse as parseToml } from "smol-toml";
import { describe, expect, it } from "vitest";
import { flowActionDefinitionErrors, loadFlowActionDefinitions } from "../sandbox/flow-actions";
import { SANDBOX } from "../sandbox/sandbox-shop";
import { API_VERSION, TEST_SCOPES } from "./support/constants";

const toml = readFileSync("shopify.app.toml", "utf8");
const routes = readdirSync("app/routes");

describe("shopify.app.toml", () => {
  it("pins the Admin API version the code and tests use", () => {
    expect(toml).toMatch(new RegExp(`api_version = "${API_VERSION}"`));
  });

  it("subscribes every webhook to a route that exists, and every webhook route is subscribed", () => {
    const uris = [...toml.matchAll(/uri = "\/webhooks\/([^"]+)"/g)].map((m) => m[1]!);
    const webhookRoutes = routes
      .filter((file) => file.startsWith("webhooks."))
      .map((file) =>
        file
          .replace(/^webhooks\./, "")
          .replace(/\.tsx$/, "")
          .replace(".", "/"),
      );
    expect(uris.sort()).toEqual(webhookRoutes.sort());
  });

  it("asks to read themes (the checklist reads the published theme's app embeds) and locales (Flow texts in the shop's language), and the sandbox and tests hold the same scopes", () => {
    const { scopes } = (parseToml(toml) as { access_scopes: { scopes: string } }).access_scopes;
    expect(scopes.split(",")).toContain("read_themes");
    expect(scopes.split(",")).toContain("read_locales");
    expect(scopes.split(",")).not.toContain("write_themes");
    // The paid membership's product, which Tally creates for the merchant (docs/membership.md).
    expect(scopes.split(",")).toContain("write_products");
    expect(SANDBOX.scopes).toBe(scopes);
    expect(TEST_SCOPES).toBe(scopes);
  });

  it("declares the App Proxy at /apps/tally onto the app's /proxy routes", () => {
    expect(toml).toMatch(/\[app_proxy\]\s*\n(?:#.*\n)*url = "\/proxy"\s*\nprefix = "apps"\s*\nsubpath = "tally"/);
  });
});

describe("app-owned customer metafields", () => {
  it("declares every metafield Tally writes, readable on the storefront and in customer accounts", async () => {
    const { memberMetafields } = await import("~/shopify/customer-metafields.server");
    const written = memberMetafields({
      customerId: "1",
      balance: 0,
      pending: 0,
      nextExpiry: null,
      tier: null,
      membership: { active: false, planId: null, paidThrough: null },
    });
    for (const metafield of written) {
      const key = metafield.key;
      const block = new RegExp(
        `\\[customer\\.metafields\\.app\\.${key}\\]\\s*\\ntype = "${metafield.type}"[\\s\\S]*?access\\.storefront = "public_read"\\s*\\naccess\\.customer_account = "read"`,
      );
      expect(toml, key).toMatch(block);
    }
  });
});

describe("Shopify Flow extensions", () => {
  const extensionConfig = (dir: string) =>
    parseToml(readFileSync(`extensions/${dir}/shopify.extension.toml`, "utf8")) as {
      extensions: { type: string; handle: string; name: string; url?: string }[];
      settings?: { fields: { type: string; key?: string }[] };
    };

  it("declares a flow_trigger extension for each trigger Tally fires, a member's customer first, a shop's with no reference, Flow-valid keys", async () => {
    const { FLOW_TRIGGERS } = await import("~/loyalty/points/flow-triggers");
    for (const trigger of Object.values(FLOW_TRIGGERS)) {
      const config = extensionConfig(trigger.handle);
      expect(config.extensions[0]).toMatchObject({ type: "flow_trigger", handle: trigger.handle, name: trigger.name });
      expect(trigger.handle.length).toBeLessThanOrEqual(30);
      const [first, ...rest] = config.settings!.fields;
      const fields = trigger.subject === "customer" ? rest : [first!, ...rest];
      if (trigger.subject === "customer") expect(first).toEqual({ type: "customer_reference" });
      for (const field of fields) {
        expect(field.type, trigger.handle).not.toMatch(/_reference$/);
        expect(field.key).toMatch(/^[A-Za-z ]+$/);
      }
    }
  });

  it("points Flow's lifecycle callback at the route that records it", () => {
    const [callback] = extensionConfig("flow-lifecycle").extensions;
    expect(callback).toMatchObject({ type: "flow_trigger_lifecycle_callback", url: "/flow/lifecycle" });
    expect(routes).toContain("flow.lifecycle.tsx");
  });
});

describe("Shopify Flow actions", () => {
  it("declares a flow_action extension for each action Tally runs, its runtime URL the route that runs it, a customer first", async () => {
    const { FLOW_ACTIONS } = await import("~/loyalty/flow-actions/flow-actions");
    const definitions = loadFlowActionDefinitions();
    expect(definitions.map((definition) => definition.handle).sort()).toEqual(
      Object.values(FLOW_ACTIONS)
        .map((action) => action.handle)
        .sort(),
    );
    for (const action of Object.values(FLOW_ACTIONS)) {
      const definition = definitions.find((candidate) => candidate.handle === action.handle)!;
      expect(definition).toMatchObject({ name: action.name, runtimeUrl: `/flow/actions/${action.handle}` });
      expect(definition.fields[0]).toEqual({ type: "customer_reference", required: true });
      expect(flowActionDefinitionErrors(definition), action.handle).toEqual([]);
    }
    expect(routes).toContain("flow.actions.$handle.tsx");
  });

  it("sees what Shopify CLI would refuse in an action's fields (the check itself works)", () => {
    const [definition] = loadFlowActionDefinitions();
    const broken = {
      ...definition!,
      handle: "an-action-handle-longer-than-thirty",
      runtimeUrl: "flow/actions/x",
      fields: [
        { type: "customer_reference" },
        { type: "date", key: "until", name: "Until" },
        { type: "number_integer" },
      ],
    };
    expect(flowActionDefinitionErrors(broken)).toEqual([
      'handle "an-action-handle-longer-than-thirty"',
      'runtime_url "flow/actions/x"',
      "field[1]: type date",
      "field[2]: key",
      "field[2]: name",
    ]);
  });

  it("`shopify app build` accepts the Flow extensions, offline (Shopify CLI validates each TOML)", async () => {
    const scratch = await mkdtemp(join(tmpdir(), "tally-flow-extensions-"));
    try {
      await cp("shopify.app.toml", join(scratch, "shopify.app.toml"));
      await cp("package.json", join(scratch, "package.json"));
      await symlink(join(process.cwd(), "node_modules"), join(scratch, "node_modules"), "dir");
      for (const dir of readdirSync("extensions")) {
        const file = `extensions/${dir}/shopify.extension.toml`;
        const type = (() => {
          try {
            return (parseToml(readFileSync(file, "utf8")) as { extensions: { type: string }[] }).extensions[0]!.type;
          } catch {
            return null;
          }
        })();
        if (type?.startsWith("flow_"))
          await cp(`extensions/${dir}`, join(scratch, "extensions", dir), { recursive: true });
      }
      const cli = join("node_modules", "@shopify", "cli", "bin", "run.js");
      // A TOML the CLI refuses makes it exit non-zero, which rejects here with its message.
      const { stdout, stderr } = await promisify(execFile)(
        process.execPath,
        [cli, "app", "build", "--path", scratch, "--skip-dependencies-installation", "--no-color"],
        { env: { ...process.env, CI: "1", SHOPIFY_CLI_NO_ANALYTICS: "1" }, timeout: 120_000 },
      );
      expect(`${stdout}${stderr}`).toMatch(/built!/);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }, 150_000);
});
