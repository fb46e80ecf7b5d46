import { type ApiModal, type JsonObject, StandInUsageError } from "../../../test/stand-in/index.ts";
import { fieldName } from "../render-message.ts";
import { awaitAnswer } from "./await-answer.ts";
import type { ActionContext } from "./context.ts";

/** `submit modal reason:"needs tests"`: fills in and submits the newest form the bot opened for this user. */
export async function runSubmitModal(fields: Record<string, string>, ctx: ActionContext): Promise<void> {
  const modal = ctx.openModals.get(ctx.user.id);
  if (!modal) {
    ctx.refuse(`${ctx.user.username} has no form open (a button like Request rework opens one)`);
    return;
  }
  const inputs = textInputs(modal);
  const byCustomId: Record<string, string> = {};
  for (const [name, value] of Object.entries(fields)) {
    const input = inputs.find(
      (i) =>
        i.custom_id === name ||
        fieldName(i) === name.toLowerCase() ||
        String(i.label ?? "").toLowerCase() === name.toLowerCase(),
    );
    if (!input) {
      ctx.refuse(
        `the form "${modal.title}" has no field ${name}; its fields: ${inputs.map(fieldName).join(", ")}`,
      );
      return;
    }
    byCustomId[String(input.custom_id)] = value;
  }
  try {
    const handle = ctx.standIn.submitModal({
      userId: ctx.user.id,
      customId: modal.custom_id,
      fields: byCustomId,
    });
    ctx.openModals.delete(ctx.user.id);
    await awaitAnswer(handle, ctx);
  } catch (error) {
    if (!(error instanceof StandInUsageError)) throw error;
    // Discord's client keeps the form open and marks what is missing or too long.
    ctx.refuse(error.message.replace(/^modal \S+: /, `form "${modal.title}": `));
  }
}

function textInputs(modal: ApiModal): JsonObject[] {
  const inputs: JsonObject[] = [];
  for (const c of modal.components) {
    if (c.type === 1) inputs.push(...((c.components ?? []) as JsonObject[]).filter((i) => i.type === 4));
    const inner = c.component as JsonObject | undefined;
    if (c.type === 18 && inner?.type === 4) inputs.push({ ...inner, label: c.label ?? inner.label ?? null });
  }
  return inputs;
}
