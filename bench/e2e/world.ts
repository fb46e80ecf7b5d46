import type { MemberSpec, StandInOptions } from "../../test/stand-in/index.ts";

export const GUILD = "Bench";
export const CHANNELS = Array.from({ length: 8 }, (_, i) => `lane-${i}`);
export const MEMBERS = Array.from({ length: 400 }, (_, i) => `member${i}`);
/** Leads may manage channels: they are reviewers everywhere. */
export const LEADS = Array.from({ length: 20 }, (_, i) => `lead${i}`);

/** A busy team server: 8 task channels, 400 members, 20 leads who review. */
export const BENCH_WORLD = {
  guilds: [
    {
      name: GUILD,
      owner: "owner",
      channels: CHANNELS,
      roles: [{ name: "Leads", permissions: ["ManageChannels"] }],
      members: [
        "owner",
        ...MEMBERS,
        ...LEADS.map((username): MemberSpec => ({ username, roles: ["Leads"] })),
      ],
    },
  ],
} satisfies Pick<StandInOptions, "guilds">;
