// @vitest-environment happy-dom
/** @jsxImportSource preact */
import { cleanup, fireEvent, render } from "@testing-library/preact";
import { afterEach, describe, expect, it, vi } from "vitest";
import { defaultProgram } from "~/loyalty/program/program";
import { storefrontProgram } from "~/loyalty/program/storefront-program";
import messages from "../locales/en.default.json";
import french from "../locales/fr.json";
import { fakeCheckoutShopify, type FakeCheckoutOptions } from "../../shared/test-support/fake-shopify";
import { RoundUp } from "./RoundUp";

const DONATION = "gid://shopify/ProductVariant/4401";
const TEA = "gid://shopify/ProductVariant/1";

/** The theme's copy of the program, as the app writes it to the shop metafield tally.program. */
function metafield(change: (program: ReturnType<typeof defaultProgram>) => void = () => {}) {
  const program = defaultProgram();
  program.giving.enabled = true;
  program.giving.causes = [
    {
      id: "ocean",
      name: "Ocean Cleanup",
      description: "",
      url: null,
      translations: { fr: { name: "Océans propres", description: "" } },
      startsAt: null,
      endsAt: null,
    },
  ];
  program.giving.defaultCauseId = "ocean";
  program.giving.roundUp = { ...program.giving.roundUp, enabled: true, variantId: "4401" };
  change(program);
  return { "tally.program": storefrontProgram(program, "EUR") };
}

function setUp(options: FakeCheckoutOptions = {}) {
  const shopify = fakeCheckoutShopify(options.locale === "fr" ? french : messages, {
    shopMetafields: metafield(),
    lines: [{ merchandiseId: TEA, quantity: 1, amount: 45.27 }],
    ...options,
  });
  vi.stubGlobal("shopify", shopify);
  return { shopify, ...render(<RoundUp />) };
}

/** The checkbox with this label (spaces as any: French writes "0,73 €" with a narrow no-break space), and whether it is ticked. */
const checkbox = (container: Element, label: string) => {
  const normal = (text: string | null) => (text ?? "").replace(/\s/g, " ");
  const box = [...container.querySelectorAll("s-checkbox")].find((b) => normal(b.getAttribute("label")) === label);
  if (!box) throw new Error(`no checkbox "${label}" in ${container.innerHTML}`);
  return { element: box, checked: box.hasAttribute("checked") };
};
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe("the round-up at checkout", () => {
  it("adds the donation variant × the round-up's minor units with its cause, and removes it when unticked", async () => {
    const { shopify, container } = setUp();
    fireEvent.change(checkbox(container, "Round up €0.73 for Ocean Cleanup").element);
    await vi.waitFor(() => expect(shopify.lines.value).toHaveLength(2));
    expect(shopify.applyCartLinesChange).toHaveBeenCalledWith({
      type: "addCartLine",
      merchandiseId: DONATION,
      quantity: 73,
      attributes: [{ key: "_tally_cause", value: "ocean" }],
    });
    await vi.waitFor(() => expect(checkbox(container, "Round up €0.73 for Ocean Cleanup").checked).toBe(true));

    fireEvent.change(checkbox(container, "Round up €0.73 for Ocean Cleanup").element);
    await vi.waitFor(() => expect(shopify.lines.value).toHaveLength(1));
    expect(shopify.applyCartLinesChange).toHaveBeenLastCalledWith({
      type: "removeCartLine",
      id: expect.stringMatching(/CartLine/),
      quantity: 73,
    });
  });

  it("keeps the donation equal to the round-up when the lines change, leaving itself out of the subtotal", async () => {
    const { shopify, container } = setUp({
      lines: [
        { merchandiseId: TEA, quantity: 1, amount: 45.27 },
        { merchandiseId: DONATION, quantity: 73, amount: 0.73 },
      ],
    });
    await settle();
    expect(shopify.applyCartLinesChange).not.toHaveBeenCalled();
    // The buyer adds a 10.50 item: 55.77, so 0.23.
    shopify.lines.value = [
      ...shopify.lines.value,
      {
        id: "gid://shopify/CartLine/99",
        merchandise: { id: "gid://shopify/ProductVariant/2" },
        quantity: 1,
        cost: { totalAmount: { amount: 10.5, currencyCode: "EUR" } },
        attributes: [],
      },
    ];
    await vi.waitFor(() => expect(checkbox(container, "Round up €0.23 for Ocean Cleanup").checked).toBe(true));
    expect(shopify.applyCartLinesChange).toHaveBeenCalledExactlyOnceWith({
      type: "updateCartLine",
      id: expect.stringMatching(/CartLine/),
      quantity: 23,
    });
  });

  it("tries once when the checkout refuses to bring the donation along, never in a loop", async () => {
    const { shopify, container } = setUp({
      lines: [
        { merchandiseId: TEA, quantity: 1, amount: 45.27 },
        { merchandiseId: DONATION, quantity: 50, amount: 0.5 },
      ],
      linesResult: { type: "error", message: "no" },
    });
    await vi.waitFor(() => expect(container.textContent).toContain("Your donation couldn't be changed on this order."));
    await settle();
    expect(shopify.applyCartLinesChange).toHaveBeenCalledOnce();
  });

  it("offers each fixed amount, one at a time", async () => {
    const { shopify, container } = setUp({
      shopMetafields: metafield((p) => (p.giving.roundUp.rule = "fixed")),
    });
    fireEvent.change(checkbox(container, "Give €2.00 to Ocean Cleanup").element);
    await vi.waitFor(() => expect(checkbox(container, "Give €2.00 to Ocean Cleanup").checked).toBe(true));
    fireEvent.change(checkbox(container, "Give €5.00 to Ocean Cleanup").element);
    await vi.waitFor(() => expect(checkbox(container, "Give €5.00 to Ocean Cleanup").checked).toBe(true));
    expect(shopify.lines.value.find((l) => l.merchandise.id === DONATION)!.quantity).toBe(500);
    expect(checkbox(container, "Give €2.00 to Ocean Cleanup").checked).toBe(false);
  });

  it("names the cause in the buyer's language", () => {
    const { container } = setUp({ locale: "fr" });
    checkbox(container, "Arrondir de 0,73 € pour Océans propres");
  });

  it("says so when the checkout refuses the line, and the box stays unticked", async () => {
    const { container } = setUp({ linesResult: { type: "error", message: "no" } });
    fireEvent.change(checkbox(container, "Round up €0.73 for Ocean Cleanup").element);
    await vi.waitFor(() => expect(container.textContent).toContain("Your donation couldn't be changed on this order."));
    expect(checkbox(container, "Round up €0.73 for Ocean Cleanup").checked).toBe(false);
  });

  it("shows nothing where lines can't be added, in another currency, without a round-up or a program", () => {
    expect(setUp({ canAddCartLine: false }).container.innerHTML).toBe("");
    cleanup();
    expect(setUp({ currency: "USD" }).container.innerHTML).toBe("");
    cleanup();
    expect(setUp({ shopMetafields: metafield((p) => (p.giving.roundUp.enabled = false)) }).container.innerHTML).toBe(
      "",
    );
    cleanup();
    expect(setUp({ shopMetafields: metafield((p) => (p.enabled = false)) }).container.innerHTML).toBe("");
    cleanup();
    expect(setUp({ shopMetafields: {} }).container.innerHTML).toBe("");
  });
});
