// The entry esbuild bundles into assets/tally-ref.js (scripts/build-theme-extension.ts).
import { capture, readRefConfig } from "./ref";

const config = readRefConfig();
if (config) capture(config);
