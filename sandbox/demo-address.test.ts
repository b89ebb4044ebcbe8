import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { demoAddress, forgetDemoAddress, rememberDemoAddress } from "./demo-address";

describe("where demo:order and demo:proxy find the running demo", () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "tally-demo-")), "demo-url");

  it("is port 3000 when nothing says otherwise", () => {
    expect(demoAddress({}, file)).toBe("http://127.0.0.1:3000");
  });

  it("is the address the demo wrote when it started on another port, until it stops", () => {
    rememberDemoAddress("http://127.0.0.1:3917", file);
    expect(demoAddress({}, file)).toBe("http://127.0.0.1:3917");
    forgetDemoAddress(file);
    expect(demoAddress({}, file)).toBe("http://127.0.0.1:3000");
  });

  it("lets PORT and then TALLY_URL win over what the demo wrote", () => {
    rememberDemoAddress("http://127.0.0.1:3917", file);
    expect(demoAddress({ PORT: "4000" }, file)).toBe("http://127.0.0.1:4000");
    expect(demoAddress({ PORT: "4000", TALLY_URL: "http://tally.test/" }, file)).toBe("http://tally.test");
    forgetDemoAddress(file);
  });
});
