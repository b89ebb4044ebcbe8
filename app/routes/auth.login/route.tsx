import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { AppProvider, Button, Card, FormLayout, Page, Text, TextField } from "@shopify/polaris";
import enTranslations from "@shopify/polaris/locales/en.json";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { useState } from "react";
import { login } from "~/shopify.server";
import { requireMethod } from "~/http/methods.server";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

const SHOP_ERRORS: Record<string, string> = {
  MISSING_SHOP: "Please enter your shop domain to log in",
  INVALID_SHOP: "Please enter a valid shop domain to log in",
};

async function loginErrors(request: Request) {
  const errors = await login(request);
  return { shopError: errors?.shop ? (SHOP_ERRORS[errors.shop] ?? null) : null };
}

export const loader = async ({ request }: LoaderFunctionArgs) => loginErrors(request);
export const action = async ({ request }: ActionFunctionArgs) => {
  requireMethod(request, "GET", "POST");
  return loginErrors(request);
};

/** Shown when Tally is opened outside the Shopify admin: asks for the shop to install on. */
export default function Login() {
  const loaderData = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [shop, setShop] = useState("");
  const shopError = (actionData ?? loaderData).shopError;
  return (
    <AppProvider i18n={enTranslations}>
      <Page narrowWidth>
        <Card>
          <Form method="post">
            <FormLayout>
              <Text variant="headingMd" as="h2">
                Log in to Tally
              </Text>
              <TextField
                type="text"
                name="shop"
                label="Shop domain"
                helpText="example.myshopify.com"
                value={shop}
                onChange={setShop}
                autoComplete="on"
                error={shopError ?? undefined}
              />
              <Button submit>Log in</Button>
            </FormLayout>
          </Form>
        </Card>
      </Page>
    </AppProvider>
  );
}
