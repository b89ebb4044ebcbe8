import type { UserError } from "./operation";

export class AdminApiError extends Error {
  constructor(
    message: string,
    readonly operationName: string,
    readonly shop: string,
  ) {
    super(`${operationName} on ${shop}: ${message}`);
    this.name = new.target.name;
  }
}

/** The cost bucket stayed empty through every retry. Safe to retry later. */
export class AdminThrottledError extends AdminApiError {}

/** Shopify answered with an HTTP error (after retries for 5xx and 429). */
export class AdminHttpError extends AdminApiError {
  constructor(
    readonly status: number,
    operationName: string,
    shop: string,
  ) {
    super(`HTTP ${status}`, operationName, shop);
  }

  /** 5xx and 429 can succeed later; 401/403/404 will not until the shop reinstalls. */
  get retryable() {
    return this.status >= 500 || this.status === 429;
  }
}

/** The operation reached Shopify and was rejected: an invalid document or a failed resolver. */
export class AdminGraphQLError extends AdminApiError {
  constructor(
    readonly errors: { message: string; extensions?: { code?: string } }[],
    operationName: string,
    shop: string,
  ) {
    super(errors.map((error) => error.message).join("; "), operationName, shop);
  }
}

/** A mutation ran and refused the input (`userErrors`). */
export class AdminUserError extends AdminApiError {
  constructor(
    readonly userErrors: UserError[],
    operationName: string,
    shop: string,
  ) {
    super(
      userErrors.map((e) => (e.field?.length ? `${e.field.join(".")}: ${e.message}` : e.message)).join("; "),
      operationName,
      shop,
    );
  }
}

/** No offline session: the shop never installed Tally or has uninstalled it. */
export class ShopNotInstalledError extends Error {
  constructor(readonly shop: string) {
    super(`${shop} has no offline session`);
    this.name = "ShopNotInstalledError";
  }
}

/** A bulk operation's file could not be downloaded (status 0: the connection failed or broke). */
export class BulkFileDownloadError extends Error {
  constructor(
    readonly status: number,
    readonly shop: string,
  ) {
    super(`${shop}: a bulk operation's file could not be downloaded (${status ? `HTTP ${status}` : "network"})`);
    this.name = "BulkFileDownloadError";
  }

  get retryable() {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}

/** A line of a bulk operation's file is not the customer the query asked for. */
export class CustomerExportUnreadableError extends Error {
  constructor(
    readonly line: number,
    readonly shop: string,
  ) {
    super(`${shop}'s customer export: line ${line} is not a customer`);
    this.name = "CustomerExportUnreadableError";
  }
}

/** Throttling, 5xx, 429 and network failures: the same call can succeed later. */
export function isRetryable(error: unknown): boolean {
  return (
    error instanceof AdminThrottledError ||
    ((error instanceof AdminHttpError || error instanceof BulkFileDownloadError) && error.retryable)
  );
}

/** Whether a delete's or update's user errors say the thing is already gone (deleted in the admin, say). */
export const reportsGone = (errors: readonly { message: string }[]) =>
  errors.some((e) => /does not exist|not found|couldn't find/i.test(e.message));
