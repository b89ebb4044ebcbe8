import { describe, expect, it } from "vitest";
import { clientAddress } from "./client-address.server";

const request = (forwardedFor?: string) =>
  new Request("https://tally.test/proxy/r/CODE", { headers: forwardedFor ? { "X-Forwarded-For": forwardedFor } : {} });
const socket = { socketAddress: "10.0.0.2" };

describe("the client's address", () => {
  it("is the socket's peer when no proxy is trusted, whatever X-Forwarded-For claims", () => {
    expect(clientAddress(request("203.0.113.7"), socket, 0)).toBe("10.0.0.2");
  });

  it("is counted from the right past the trusted proxies, so a client-written first hop is never read", () => {
    // The shopper wrote 6.6.6.6; Shopify's App Proxy appended 203.0.113.7; the load balancer 10.0.0.1.
    expect(clientAddress(request("6.6.6.6, 203.0.113.7, 10.0.0.1"), socket, 2)).toBe("203.0.113.7");
    expect(clientAddress(request("203.0.113.7, 10.0.0.1"), socket, 2)).toBe("203.0.113.7");
    expect(clientAddress(request("203.0.113.7,10.0.0.1"), socket, 1)).toBe("10.0.0.1");
  });

  it("is the leftmost address of a chain shorter than the trusted proxies, and null when there is none", () => {
    expect(clientAddress(request("203.0.113.7"), socket, 5)).toBe("203.0.113.7");
    expect(clientAddress(request(), {}, 0)).toBeNull();
  });
});
