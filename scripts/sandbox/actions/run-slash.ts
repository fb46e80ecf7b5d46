import {
  type ApiCommand,
  type DiscordStandIn,
  PERMISSION_FLAGS,
  StandInUsageError,
} from "../../../test/stand-in/index.ts";
import {
  type KnownNames,
  type OptionValue,
  type ParsedCommand,
  parseSlashCommand,
} from "../parse-options.ts";
import { awaitAnswer } from "./await-answer.ts";
import { type ActionContext, ANSWER_WINDOW_MS } from "./context.ts";

/** `/task create title:"Fix login"`: checked against the deployed commands, then sent as the current user. */
export async function runSlash(text: string, ctx: ActionContext): Promise<void> {
  const { standIn, user, channel } = ctx;
  if (user.bot) {
    ctx.refuse(
      `${user.username} is a bot: bots cannot use slash commands. Agents speak by mention, e.g. say @Tasklane next`,
    );
    return;
  }
  const deployed = standIn.commandsIn();
  const parsed = parseSlashCommand(text, deployed, knownNames(standIn));
  if (!parsed.ok) {
    ctx.refuse(parsed.error);
    return;
  }
  const command = parsed.command;
  const hidden = hiddenFrom(
    deployed.find((c) => c.type === 1 && c.name === command.name)!,
    standIn,
    user.username,
  );
  if (hidden) {
    ctx.refuse(
      `${command.label} is not in ${user.username}'s command list: it needs ${hidden} (Discord hides it)`,
    );
    return;
  }
  const options: Record<string, OptionValue> = { ...command.options };
  for (const lookup of command.lookups) {
    const picked = await pickSuggestion(command, options, lookup, ctx);
    if (picked === undefined) return;
    options[lookup.option] = picked;
  }
  try {
    const handle = standIn.sendSlashCommand({
      channelId: channel.id,
      userId: user.id,
      name: command.name,
      ...(command.group ? { group: command.group } : {}),
      ...(command.subcommand ? { subcommand: command.subcommand } : {}),
      options,
    });
    await awaitAnswer(handle, ctx);
  } catch (error) {
    if (!(error instanceof StandInUsageError)) throw error;
    ctx.refuse(error.message.replace(/\s*\(?;? ?pass unchecked: true to send anyway\)?/, ""));
  }
}

/**
 * `task:"login bug"`: Discord's client shows the bot's autocomplete suggestions as the person types;
 * the sandbox asks the same way and takes the first, as a person picking the top one would.
 */
async function pickSuggestion(
  command: ParsedCommand,
  options: Record<string, OptionValue>,
  lookup: ParsedCommand["lookups"][number],
  ctx: ActionContext,
): Promise<OptionValue | undefined> {
  const handle = ctx.standIn.autocomplete({
    channelId: ctx.channel.id,
    userId: ctx.user.id,
    name: command.name,
    ...(command.group ? { group: command.group } : {}),
    ...(command.subcommand ? { subcommand: command.subcommand } : {}),
    options: { ...options, [lookup.option]: lookup.typed },
    focused: lookup.option,
  });
  const choices = await handle.choices({ timeoutMs: ANSWER_WINDOW_MS + 250 }).catch(() => undefined);
  if (!choices) {
    ctx.botFailed(`no autocomplete suggestions for ${lookup.option}:"${lookup.typed}" within 3 s`);
    return undefined;
  }
  const first = choices[0];
  if (!first) {
    ctx.refuse(
      `${command.label}: nothing matches ${lookup.option}:"${lookup.typed}" (the bot suggested nothing)`,
    );
    return undefined;
  }
  ctx.print(
    ctx.render.style.dim(`  ${lookup.option}:"${lookup.typed}" → ${first.name} (the first suggestion)`),
  );
  return first.value;
}

export function knownNames(standIn: DiscordStandIn): KnownNames {
  const guild = standIn.guild();
  return {
    users: [...guild.members.keys()].map((id) => standIn.user(id).username),
    roles: [...guild.roles.values()].map((role) => role.name).filter((name) => name !== "@everyone"),
    channels: [...guild.channels.values()].map((c) => c.name),
  };
}

/** The permissions a command's default_member_permissions asks for and the member lacks, if any. */
function hiddenFrom(command: ApiCommand, standIn: DiscordStandIn, username: string): string | undefined {
  if (command.default_member_permissions === null || command.default_member_permissions === undefined) return;
  const required = BigInt(command.default_member_permissions);
  const held = standIn.permissionsOf(username);
  if ((held & PERMISSION_FLAGS.Administrator) !== 0n) return;
  if (required !== 0n && (held & required) === required) return;
  const names = Object.entries(PERMISSION_FLAGS)
    .filter(([, bit]) => (required & bit) !== 0n && (held & bit) === 0n)
    .map(([name]) => name.replace(/([a-z])([A-Z])/g, "$1 $2"));
  return names.length > 0 ? names.join(", ") : "administrator permissions";
}
