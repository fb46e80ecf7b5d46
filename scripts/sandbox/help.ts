import type { ApiCommandOption, DiscordStandIn } from "../../test/stand-in/index.ts";
import type { Style } from "./style.ts";
import { PEOPLE } from "./world.ts";

/** `help`: what to type, who is here, and the commands deployed (with their subcommands). */
export function helpText(standIn: DiscordStandIn, style: Style): string {
  const lines = [
    style.bold("Type what you would type in Discord, as whoever you like:"),
    `  ${style.cyan("as alice")}                          be someone else (people below)`,
    `  ${style.cyan("in #backend")}                       go to another channel`,
    `  ${style.cyan('/task create title:"Fix login" priority:high')}`,
    `                                    a slash command; Tab completes names and options`,
    `  ${style.cyan("click Approve on #3")}               a button on task #3's card (${style.cyan("click Next")}: the newest message showing it)`,
    `  ${style.cyan('submit modal reason:"needs tests"')}  fill in and send the form the bot opened for you`,
    `  ${style.cyan("say @Tasklane next")}                a message; @names become real mentions`,
    `  ${style.cyan("wait 2s")}                           let time pass (retries, background deliveries)`,
    `  ${style.cyan("json on")} / ${style.cyan("json off")}                 show agents' json blocks whole / as one line`,
    `  ${style.cyan("help")}, ${style.cyan("quit")}`,
    "",
    style.bold("People:"),
    ...PEOPLE.map((p) => `  ${style.cyan(p.name.padEnd(8))}${p.about}`),
    "",
    style.bold("Channels:"),
    `  ${[...standIn.guild().channels.values()].map((c) => style.cyan(`#${c.name}`)).join("  ")}`,
    "",
    style.bold("Commands deployed to this server:"),
    ...standIn
      .commandsIn()
      .filter((c) => c.type === 1)
      .map((c) => `  ${style.cyan(`/${c.name}`)} ${subcommandNames(c.options ?? []).join(", ")}`),
  ];
  return lines.join("\n");
}

function subcommandNames(options: ApiCommandOption[], prefix = ""): string[] {
  return options.flatMap((o) => {
    if (o.type === 1) return [`${prefix}${o.name}`];
    if (o.type === 2) return subcommandNames(o.options ?? [], `${o.name} `);
    return [];
  });
}
