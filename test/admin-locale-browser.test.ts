import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openBrowser, screenshot } from "./support/browser";
import { startTestApp, type TestApp } from "./support/test-app";

const SHOP = "locale-shop.myshopify.com";
let app: TestApp;
let browser: Awaited<ReturnType<typeof openBrowser>>;
let page: Page;

beforeAll(async () => {
  app = await startTestApp({ env: { TALLY_SANDBOX_SHOP: SHOP } });
  await app.installShop(SHOP);
  browser = await openBrowser(app.url);
  page = browser.page;
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe("the admin in the merchant's language", () => {
  it("opens in French when the Shopify admin says locale=fr-CA: our strings, Polaris's and the dates", async () => {
    await page.goto(`${app.url}/sandbox/login?locale=fr-CA`);
    await page.getByRole("heading", { name: "Configurez votre programme de fidélité" }).waitFor();
    await page.getByText("Étapes terminées : 0 sur 4").waitFor();
    const sections = page.getByRole("navigation", { name: "Sections de Tally" });
    await sections.getByRole("link", { name: "Récompenses" }).waitFor();
    // The dashboard's dates in French, then Polaris's own strings in its date picker.
    const frenchDate = /^\d{1,2} (janv|févr|mars|avr|mai|juin|juil|août|sept|oct|nov|déc)\.? \d{4} – /;
    await page.getByRole("button", { name: frenchDate }).click();
    await page.getByRole("button", { name: "Appliquer", exact: true }).waitFor();
    await page.getByRole("button", { name: /^Afficher le mois précédent/ }).waitFor();
    // Screen readers and the browser's own hyphenation and spell checking read the page as French.
    expect(await page.locator("html").getAttribute("lang")).toBe("fr");
    await screenshot(page, "home-fr");
  });

  it("keeps French across the sections; a string not yet translated reads in English", async () => {
    await page.keyboard.press("Escape");
    const sections = page.getByRole("navigation", { name: "Sections de Tally" });
    await sections.getByRole("link", { name: "Membres" }).click();
    await page.waitForURL(/\/app\/members\?locale=fr/);
    await page.getByPlaceholder(/^(Search by email, name or Shopify customer ID|Rechercher)/).waitFor();
    await sections.getByRole("link", { name: "Accueil" }).waitFor();
  });

  it("speaks English to a merchant whose language Tally does not speak", async () => {
    await page.goto(`${app.url}/sandbox/login?locale=sv`);
    await page.getByRole("heading", { name: "Set up your loyalty program" }).waitFor();
    expect(await page.getByText("Configurez").count()).toBe(0);
    expect(await page.locator("html").getAttribute("lang")).toBe("en");
  });
});
