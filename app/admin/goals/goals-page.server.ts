import { adminProgram } from "../common/admin-context.server";
import { saveProgramFromPage } from "../common/program-save.server";

/** The goals page (issue 25, docs/goals.md): the program document to edit and its revision. */
export async function goalsPageData(request: Request) {
  const { program, revision } = await adminProgram(request);
  return { program, revision };
}

/** Saves the goals with the rest of the document, through the program's validation (422 on a bad goal). */
export const goalsPageAction = (request: Request) => saveProgramFromPage(request);
