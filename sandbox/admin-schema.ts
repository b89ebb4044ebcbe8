import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { buildClientSchema, type GraphQLSchema, type IntrospectionQuery } from "graphql";

export const PROJECT_ROOT = fileURLToPath(new URL("..", import.meta.url));

// @shopify/dev-mcp (pinned exactly) ships Shopify's introspection of each Admin API version.
// Its package exports hide these files, so the path is built from the project root.
const SCHEMA_DIR = path.join(PROJECT_ROOT, "node_modules/@shopify/dev-mcp/dist/data");

const schemas = new Map<string, GraphQLSchema>();

export function loadAdminSchema(apiVersion: string): GraphQLSchema {
  let schema = schemas.get(apiVersion);
  if (!schema) {
    const file = path.join(SCHEMA_DIR, `admin_${apiVersion}.json.gz`);
    const introspection = JSON.parse(gunzipSync(readFileSync(file)).toString("utf8")) as {
      data: IntrospectionQuery;
    };
    schema = buildClientSchema(introspection.data);
    schemas.set(apiVersion, schema);
  }
  return schema;
}

export interface GraphQLDocumentSource {
  file: string;
  line: number;
  source: string;
}

const SOURCE_FILE = /\.(ts|tsx)$/;
const TAGGED_DOCUMENT = /`#graphql([\s\S]*?)`/g;

/** Every `#graphql` template literal under a folder: the Admin operations Tally can send. */
export function collectGraphQLDocuments(dir: string): GraphQLDocumentSource[] {
  const documents: GraphQLDocumentSource[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !SOURCE_FILE.test(entry.name) || /\.test\.tsx?$/.test(entry.name)) continue;
    const file = path.join(entry.parentPath, entry.name);
    const text = readFileSync(file, "utf8");
    for (const match of text.matchAll(TAGGED_DOCUMENT)) {
      const line = text.slice(0, match.index).split("\n").length;
      documents.push({ file: path.relative(PROJECT_ROOT, file), line, source: match[1] ?? "" });
    }
  }
  return documents;
}
