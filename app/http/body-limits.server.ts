const KB = 1024;

/** What any request may send unless its path is given a larger limit. */
export const DEFAULT_BODY_LIMIT = 256 * KB;

/** A larger body allowed on the paths that start with `pathPrefix`. */
export interface BodyLimit {
  pathPrefix: string;
  bytes: number;
}

/**
 * The largest request body accepted on a path, in bytes: the first limit whose prefix the path
 * starts with, else DEFAULT_BODY_LIMIT. The server (server.ts) enforces it before any route reads
 * the body: HMAC and session checks read the whole body first.
 */
export function bodyLimitsByPath(limits: BodyLimit[]): (pathname: string) => number {
  return (pathname) => limits.find((limit) => pathname.startsWith(limit.pathPrefix))?.bytes ?? DEFAULT_BODY_LIMIT;
}
