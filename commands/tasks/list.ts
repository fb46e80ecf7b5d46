import type { ChatInputCommandInteraction } from "discord.js";
import type { HandlerContext } from "../../src/discord/handler-types.ts";
import { titleText, userMention } from "../../src/discord/render/format.ts";
import type { DueFilter, Priority, StatusFilter } from "../../src/domain/task-states.ts";
import type { ListFilters } from "../../src/services/contracts.ts";
import { showFirstPage } from "./first-page.ts";

/** `/tasks list`: live tasks of this channel unless told otherwise. */
export async function run(interaction: ChatInputCommandInteraction, ctx: HandlerContext): Promise<void> {
  const { options } = interaction;
  const status = (options.getString("status") ?? "live") as StatusFilter;
  const assignee = options.getUser("assignee");
  const priority = options.getString("priority") as Priority | null;
  const label = options.getString("label");
  const wholeServer = options.getString("scope") === "server";
  const due = options.getString("due") as DueFilter | null;
  const byDue = options.getString("sort") === "due";
  const filters: ListFilters = { status };
  if (due) filters.due = due;
  if (byDue) filters.sort = "due";
  if (assignee) filters.assigneeId = assignee.id;
  if (priority) filters.priority = priority;
  if (label) filters.label = label;
  if (!wholeServer) filters.channelId = ctx.action.channelId;

  const described = [
    status.replaceAll("_", " "),
    priority,
    label && `label ${titleText(label)}`,
    due && (due === "overdue" ? "overdue" : `due ${due === "week" ? "this week" : "today"}`),
    byDue && "soonest due first",
  ]
    .filter(Boolean)
    .join(", ");
  const title = `Tasks (${described}) in ${wholeServer ? "this server" : "this channel"}`;
  await showFirstPage(interaction, ctx, {
    kind: "tasks",
    title: assignee ? `${title} · assigned to ${titleText(assignee.username)}` : title,
    filters,
    empty: assignee ? `No such task assigned to ${userMention(assignee.id)}.` : "No task matches.",
  });
}
