import type { ApiCommandOption, DiscordStandIn } from "../../test/stand-in/index.ts";
import { type Style, wrapText } from "./style.ts";
import { PEOPLE } from "./world.ts";

/** `help`: what to type, who is here, and the commands deployed (with their subcommands). */
export function helpText(standIn: DiscordStandIn, style: Style): string {
  const usage: [string, string][] = [
    ["as alice", "be someone else (people below)"],
    ["in #backend", "go to another channel"],
    ["in thread #4", "go to task #4's thread (threads:true)"],
    ['/task create title:"Fix login"', "a slash command (Tab completes)"],
    ["click Approve on #3", "a button on task #3's card"],
    ["click Next", "a button on the newest message showing it"],
    ['submit modal reason:"needs tests"', "fill in the form the bot opened for you"],
    ["say @Tasklane next", "a message; @names become mentions"],
    ["wait 2s", "let time pass (retries, deliveries)"],
    ["later 2h", "the bot's clock jumps ahead (due dates, reminders)"],
    ["json on | json off", "agents' json blocks whole / as one line"],
    ["help | quit", ""],
  ];
  const column = Math.max(...usage.map(([example]) => example.length)) + 2;
  const lines = [
    style.bold("Type what you would type in Discord, as whoever you like:"),
    ...usage.map(([example, what]) =>
      `  ${style.cyan(example)}${" ".repeat(column - example.length)}${what}`.trimEnd(),
    ),
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
      .flatMap((c) => {
        const name = `/${c.name}`.padEnd(11);
        const [first = "", ...more] = wrapText(subcommandNames(c.options ?? []).join(", "), 64);
        return [`  ${style.cyan(name)}${first}`, ...more.map((line) => `  ${" ".repeat(11)}${line}`)];
      }),
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
