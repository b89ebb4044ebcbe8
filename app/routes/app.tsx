import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { serverEnvironment } from "~/config/env.server";
import { Link, Outlet, useLoaderData, useLocation, useRouteError } from "@remix-run/react";
import { NavMenu } from "@shopify/app-bridge-react";
import { Banner, Box, Button, InlineStack, type AppProviderProps } from "@shopify/polaris";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { boundary } from "@shopify/shopify-app-remix/server";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { BillingNoticeBanner } from "~/admin/billing/billing-notice";
import { BILLING_PATH } from "~/admin/billing/return-url";
import { programTrouble, type ProgramTrouble } from "~/admin/common/admin-context.server";
import prisma from "~/db.server";
import { billingNotice, type BillingNotice } from "~/loyalty/billing/overview.server";
import { authenticate } from "~/shopify.server";
import { lazy, Suspense, useState } from "react";
import { createAdminI18n, I18nextProvider, useTranslation } from "~/i18n";
import { adminTranslations } from "~/i18n.server";
import { matchLanguage } from "~/language-match";
import { sandboxShop } from "~/shopify/session-token.server";
import { onlyMethods } from "~/http/methods.server";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { session } = await authenticate.admin(request);
  // The Shopify admin opens the app with the merchant's language: `locale=fr`, `locale=pt-BR`.
  const language = matchLanguage(new URL(request.url).searchParams.get("locale"));
  return {
    language,
    ...adminTranslations(language),
    apiKey: serverEnvironment().SHOPIFY_API_KEY,
    sandbox: sandboxShop() !== null,
    programTrouble: await programTrouble(session.shop),
    billingNotice: await billingNotice(prisma, session.shop, new Date()),
  };
}

// Outside the Shopify admin (npm run demo) App Bridge cannot load, so nothing would add the
// session token to the app's own data requests: the sandbox serves a stand-in for App Bridge's
// fetch (sandbox/admin-login.ts). Loaded before the app's scripts, which are deferred.
const SANDBOX_APP_BRIDGE_SCRIPT = "/sandbox/app-bridge.js";
const Frame = lazy(() => import("~/admin/common/frame"));

export default function App() {
  const { language, messages, polaris } = useLoaderData<typeof loader>();
  // Chosen once per page load: the admin's later data requests need not repeat the locale.
  const [i18n] = useState(() => createAdminI18n(language, messages));
  const [polarisTranslations] = useState(() => polaris ?? undefined);
  return (
    <I18nextProvider i18n={i18n}>
      <AppFrame polarisTranslations={polarisTranslations} />
    </I18nextProvider>
  );
}

function AppFrame({ polarisTranslations }: { polarisTranslations: AppProviderProps["i18n"] | undefined }) {
  const { apiKey, sandbox, programTrouble, billingNotice } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  return (
    <AppProvider isEmbeddedApp apiKey={apiKey} i18n={polarisTranslations}>
      {sandbox ? <script src={SANDBOX_APP_BRIDGE_SCRIPT} /> : null}
      {sandbox ? (
        // Polaris' Frame hosts the pages' toasts where App Bridge cannot (save-confirmation.tsx).
        <Suspense>
          <Frame>
            <SandboxNav />
            <AppContent programTrouble={programTrouble} billingNotice={billingNotice} />
          </Frame>
        </Suspense>
      ) : (
        <>
          <NavMenu>
            <Link to="/app" rel="home">
              {t("nav.home")}
            </Link>
            <Link to="/app/program">{t("nav.program")}</Link>
            <Link to="/app/rewards">{t("nav.rewards")}</Link>
            <Link to="/app/tiers">{t("nav.tiers")}</Link>
            <Link to="/app/membership">{t("membership.nav")}</Link>
            <Link to="/app/referrals">{t("nav.referrals")}</Link>
            <Link to="/app/challenges">{t("nav.challenges")}</Link>
            <Link to="/app/partners">{t("nav.partners")}</Link>
            <Link to="/app/campaigns">{t("nav.campaigns")}</Link>
            <Link to="/app/surveys">{t("surveys.nav")}</Link>
            <Link to="/app/giving">{t("giving.nav")}</Link>
            <Link to="/app/accounting">{t("accounting.nav")}</Link>
            <Link to="/app/roi">{t("roi.nav")}</Link>
            <Link to="/app/goals">{t("goals.nav")}</Link>
            <Link to="/app/members">{t("nav.members")}</Link>
            <Link to="/app/import">{t("nav.import")}</Link>
            <Link to={BILLING_PATH}>{t("nav.billing")}</Link>
          </NavMenu>
          <AppContent programTrouble={programTrouble} billingNotice={billingNotice} />
        </>
      )}
    </AppProvider>
  );
}

function AppContent({
  programTrouble,
  billingNotice,
}: {
  programTrouble: ProgramTrouble | null;
  billingNotice: BillingNotice | null;
}) {
  // The billing page says it all itself.
  const onBillingPage = useLocation().pathname === BILLING_PATH;
  return (
    <>
      {programTrouble ? <ProgramTroubleBanner trouble={programTrouble} /> : null}
      {billingNotice && !onBillingPage ? <BillingNoticeBanner notice={billingNotice} /> : null}
      <Outlet />
    </>
  );
}

const SECTIONS = [
  "home",
  "program",
  "rewards",
  "tiers",
  "membership",
  "referrals",
  "challenges",
  "partners",
  "campaigns",
  "surveys",
  "giving",
  "accounting",
  "roi",
  "goals",
  "members",
  "import",
  "billing",
] as const;
const PATHS: Record<(typeof SECTIONS)[number], string> = {
  home: "/app",
  program: "/app/program",
  rewards: "/app/rewards",
  tiers: "/app/tiers",
  membership: "/app/membership",
  referrals: "/app/referrals",
  challenges: "/app/challenges",
  partners: "/app/partners",
  campaigns: "/app/campaigns",
  surveys: "/app/surveys",
  giving: "/app/giving",
  accounting: "/app/accounting",
  roi: "/app/roi",
  goals: "/app/goals",
  members: "/app/members",
  import: "/app/import",
  billing: BILLING_PATH,
};

/** Sections whose label lives with their page's texts (the paid membership's, under "membership"; the surveys'; giving's; accounting's; ROI's; goals'). */
const LABEL_KEYS: Partial<Record<(typeof SECTIONS)[number], string>> = {
  membership: "membership.nav",
  surveys: "surveys.nav",
  giving: "giving.nav",
  accounting: "accounting.nav",
  roi: "roi.nav",
  goals: "goals.nav",
};

/** Outside the Shopify admin there is no App Bridge to draw the NavMenu: the sandbox gets tabs. */
function SandboxNav() {
  const { t, i18n } = useTranslation();
  // The Shopify admin names the language on every page it opens; the sandbox's tabs do the same.
  const search = i18n.language === "en" ? "" : `?${new URLSearchParams({ locale: i18n.language })}`;
  return (
    <Box paddingInline="400" paddingBlockStart="300">
      <nav aria-label={t("nav.label")}>
        <InlineStack gap="200">
          {SECTIONS.map((section) => (
            <Button key={section} variant="tertiary" url={`${PATHS[section]}${search}`}>
              {t(LABEL_KEYS[section] ?? `nav.${section}`)}
            </Button>
          ))}
        </InlineStack>
      </nav>
    </Box>
  );
}

// Shopify needs Remix to catch its thrown responses so the headers reach the browser.
export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);

/** On every admin page while the saved program does not validate: what runs instead, and what to fix. */
function ProgramTroubleBanner({ trouble }: { trouble: ProgramTrouble }) {
  const { t } = useTranslation();
  const running = trouble.status === "last_valid";
  return (
    <Box padding="400">
      <Banner tone="critical" title={t(running ? "programTrouble.lastValidTitle" : "programTrouble.noneTitle")}>
        <p>
          {running
            ? t("programTrouble.lastValidBody", { revision: trouble.runningRevision ?? "?" })
            : t("programTrouble.noneBody")}
        </p>
        <ul>
          {trouble.problems.map((problem) => (
            <li key={`${problem.path}:${problem.message}`}>
              {problem.path ? `${problem.path}: ${problem.message}` : problem.message}
            </li>
          ))}
        </ul>
      </Banner>
    </Box>
  );
}

/** Read-only: other methods get 405. */
export const action = onlyMethods("GET");
