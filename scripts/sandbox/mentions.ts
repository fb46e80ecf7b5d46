import type { DiscordStandIn } from "../../test/stand-in/index.ts";

/**
 * What Discord's client sends when a person picks `@Tasklane`, `@alice`, `@Reviewer` or `#backend`
 * from its suggestions: `<@id>`, `<@&id>`, `<#id>`. Other text (`@everyone`, `#3`) stays as typed.
 */
export function withMentions(text: string, standIn: DiscordStandIn): string {
  const guild = standIn.guild();
  const users = [standIn.botUser, ...[...guild.members.keys()].map((id) => standIn.user(id))];
  const roles = [...guild.roles.values()].filter((role) => role.name !== "@everyone");
  const channels = [...guild.channels.values()];
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  return text
    .replace(/(^|[^\w<])@([\w.-]+)/g, (whole, before: string, name: string) => {
      const user = users.find((u) => same(u.username, name) || same(u.global_name ?? "", name));
      if (user) return `${before}<@${user.id}>`;
      const role = roles.find((r) => same(r.name, name));
      return role ? `${before}<@&${role.id}>` : whole;
    })
    .replace(/(^|[^\w<])#([\w-]+)/g, (whole, before: string, name: string) => {
      const channel = channels.find((c) => same(c.name, name));
      return channel ? `${before}<#${channel.id}>` : whole;
    });
}
