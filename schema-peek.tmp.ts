import { printType, type GraphQLObjectType } from "graphql";
import { loadAdminSchema } from "./sandbox/admin-schema";
const s = loadAdminSchema("2026-07");
for (const t of process.argv.slice(2)) {
  if (t.includes(".")) { const [a,b]=t.split("."); const f=(s.getType(a!) as GraphQLObjectType).getFields()[b!]!; console.log(a+"."+b, f.args.map(x=>x.name+": "+x.type).join(", "), "->", String(f.type), f.description?.slice(0,300)); }
  else console.log(printType(s.getType(t)!));
}
