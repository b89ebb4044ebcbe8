// npm run codegen: writes the types of the app's Admin GraphQL operations from the pinned schema.
import { writeFileSync } from "node:fs";
import { ADMIN_OPERATION_TYPES_FILE, generateAdminOperationTypes } from "../sandbox/admin-operation-types";

writeFileSync(ADMIN_OPERATION_TYPES_FILE, await generateAdminOperationTypes());
console.log(`Wrote ${ADMIN_OPERATION_TYPES_FILE}`);
