import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Program } from "~/loyalty/program/program";
import { openBrowser, screenshot } from "./support/browser";
import { startTestApp, type TestApp } from "./support/test-app";

/*
 * The merchant writes a post-purchase survey in the embedded admin (issue 23): its NPS question, a
 * choice question, points and which orders ask, saved in the program; then, once customers have
 * answered, the results page shows the NPS, the charts and the comments.
 */

const SHOP = "surveys-browser.myshopify.com";
let app: TestApp;
let browser: Awaited<ReturnType<typeof openBrowser>>;
let page: Page;

beforeAll(async () => {
  app = await startTestApp({ env: { TALLY_SANDBOX_SHOP: SHOP } });
  await app.installShop(SHOP);
  browser = await openBrowser(app.url);
  page = browser.page;
  await page.goto(`${app.url}/sandbox/login`);
  await page.getByRole("heading", { name: "Set up your loyalty program" }).waitFor();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const shopRow = () => app.prisma.shop.findUniqueOrThrow({ where: { domain: SHOP } });
const program = async () => (await shopRow()).program as unknown as Program;
const toast = (text: string) => page.locator(".Polaris-Frame-Toast", { hasText: text });

describe("the surveys page", () => {
  it("writes a survey: NPS text and its French, a question with options, points, every 2nd order", async () => {
    await page.getByRole("navigation", { name: "Tally sections" }).getByRole("link", { name: "Surveys" }).click();
    await page.getByRole("heading", { name: "Post-purchase surveys" }).waitFor();
    await page.getByRole("button", { name: "Add survey" }).click();
    await page.getByLabel("Ask this survey after orders").check();
    await page.getByLabel("Survey name").fill("After your order");
    await page.getByLabel("Recommendation question (0–10)").fill("Would you recommend {shop} to a friend?");
    await page.getByLabel("Language").first().selectOption("fr");
    await page.getByLabel("Question in French").first().fill("Recommanderiez-vous {shop} ?");
    await page.getByLabel("Points for answering").fill("25");
    await page.getByLabel("Which orders ask").selectOption("every_nth");
    await page.getByLabel("Every how many orders").fill("2");
    await page.getByRole("button", { name: "Add question" }).click();
    await page.getByLabel("Question 1").fill("How did you find us?");
    await page.getByLabel("Option 1", { exact: true }).fill("A friend");
    await page.getByLabel("Option 2", { exact: true }).fill("An ad");
    await page.getByRole("button", { name: "Add option" }).click();
    await page.getByLabel("Option 3", { exact: true }).fill("Instagram");
    await page.getByRole("button", { name: "Save" }).first().click();
    await toast("Saved").waitFor();

    const [survey] = (await program()).surveys;
    expect(survey).toMatchObject({
      id: "after-your-order",
      name: "After your order",
      enabled: true,
      nps: {
        text: "Would you recommend {shop} to a friend?",
        comment: true,
        translations: { fr: { text: "Recommanderiez-vous {shop} ?" } },
      },
      points: 25,
      orders: { mode: "every_nth", n: 2 },
      questions: [
        {
          type: "single_choice",
          text: "How did you find us?",
          options: [
            { id: "option-1", label: "A friend" },
            { id: "option-2", label: "An ad" },
            { id: "option-3", label: "Instagram" },
          ],
        },
      ],
    });
    await screenshot(page, "surveys-admin");
  });

  it("refuses a survey whose end comes before its start: the error shows and nothing is saved", async () => {
    const before = await shopRow();
    await page.getByLabel("Starts").fill("2026-07-01");
    await page.getByLabel("Ends").fill("2026-06-01");
    await page.getByRole("button", { name: "Save" }).first().click();
    await page.getByText("endsAt must be after startsAt").first().waitFor();
    const after = await shopRow();
    expect(after.programRevision).toBe(before.programRevision);
    expect(after.program).toEqual(before.program);
    await page.getByRole("button", { name: "Discard" }).first().click();
  });

  it("shows the results once customers answered: the NPS, the charts, the comments linked to members", async () => {
    const { id: shopId } = await shopRow();
    const [survey] = (await program()).surveys;
    const questionId = survey!.questions[0]!.id;
    const member = await app.prisma.member.create({
      data: { shopId, shopifyCustomerId: "8001", email: "fan@example.com" },
    });
    const answers: [score: number, option: string, comment: string | null, memberId: string | null][] = [
      [10, "option-1", "<b>Best shop</b> ever", member.id],
      [9, "option-3", null, null],
      [7, "option-2", null, null],
      [2, "option-2", "Too slow", null],
    ];
    for (const [index, [score, option, comment, memberId]] of answers.entries()) {
      await app.prisma.surveyAnswer.create({
        data: {
          shopId,
          surveyId: survey!.id,
          shopifyOrderId: String(7000 + index),
          memberId,
          score,
          answers: { [questionId]: option },
          comment,
          createdAt: new Date(Date.now() - index * 3_600_000),
        },
      });
    }
    // As the Shopify admin reloads the app's frame: the surveys page, then the survey's results.
    await page.goto(await app.adminDocumentUrl("/app/surveys", SHOP));
    await page.getByText("Answers: 4").waitFor();
    await page.getByRole("link", { name: "View results" }).click();
    await page.getByRole("heading", { name: "Results: After your order" }).waitFor();
    const figure = (label: string) => page.getByRole("heading", { name: label, exact: true }).locator("xpath=..");
    // 2 promoters, 1 passive, 1 detractor of 4: 50% − 25%.
    await expect.poll(() => figure("Net Promoter Score").innerText()).toMatch(/\n25\n/);
    // The charts draw in the browser: the scores, the trend and the question's options.
    await expect.poll(() => page.locator("[data-chart] svg").count()).toBeGreaterThanOrEqual(3);
    await page.getByRole("heading", { name: "How did you find us?" }).waitFor();
    // The comment is shown as text, never as markup; its author links to the member's page.
    await page.getByText("<b>Best shop</b> ever").waitFor();
    expect(await page.locator("b", { hasText: "Best shop" }).count()).toBe(0);
    const link = page.getByRole("link", { name: "fan@example.com" });
    expect(await link.getAttribute("href")).toContain(`/app/members/${member.id}`);
    await screenshot(page, "surveys-admin-results");

    // Detractors only.
    await page.getByLabel("Score").selectOption("detractor");
    await page.getByText("Too slow").waitFor();
    await expect.poll(() => page.getByText("<b>Best shop</b> ever").count()).toBe(0);
  });
});
