import type { StandInOptions } from "../../stand-in/index.ts";

/** HQ: a team with a reviewer role; Elsewhere: another server whose tasks HQ must never reach. */
export const TEAM_WORLD = {
  guilds: [
    {
      name: "HQ",
      owner: "olivia",
      channels: ["general", "backend"],
      roles: [{ name: "Reviewer" }, { name: "Leads", permissions: ["ManageChannels"] }],
      members: [
        "olivia",
        "alice",
        "bob",
        { username: "rita", roles: ["Reviewer"] },
        { username: "ray", roles: ["Reviewer"] },
        { username: "lee", roles: ["Leads"] },
        "mallory",
      ],
    },
    { name: "Elsewhere", channels: ["general"], members: ["eve"] },
  ],
} satisfies Pick<StandInOptions, "guilds">;
