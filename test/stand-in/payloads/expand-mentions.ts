import type { World } from "../state/world.ts";
import type { Snowflake } from "../types.ts";

/**
 * What Discord's client does as a person types: `@alice` becomes `<@id>`, `@Reviewer` (a role)
 * `<@&id>`, `#backend` `<#id>`. Names are matched case-insensitively against usernames, display
 * names, role and channel names of the guild; @everyone, @here and unknown names stay as typed.
 */
export function expandMentions(world: World, guildId: Snowflake, text: string): string {
  const guild = world.requireGuild(guildId);
  const lower = (s: string | null | undefined) => (s ?? "").toLowerCase();
  return text
    .replace(/(^|[\s(])@([\w.-]+)/g, (whole, lead: string, name: string) => {
      const wanted = lower(name);
      if (wanted === "everyone" || wanted === "here") return whole;
      const userId = [...guild.members.keys()].find((id) => {
        const user = world.users.get(id);
        return (
          lower(user?.username) === wanted ||
          lower(user?.global_name) === wanted ||
          lower(guild.members.get(id)?.nick) === wanted
        );
      });
      if (userId) return `${lead}<@${userId}>`;
      const role = [...guild.roles.values()].find((r) => r.id !== guild.id && lower(r.name) === wanted);
      return role ? `${lead}<@&${role.id}>` : whole;
    })
    .replace(/(^|[\s(])#([\w-]+)/g, (whole, lead: string, name: string) => {
      const channel = [...guild.channels.values()].find((c) => lower(c.name) === lower(name));
      return channel ? `${lead}<#${channel.id}>` : whole;
    });
}
