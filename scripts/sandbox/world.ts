import type { StandInOptions } from "../../test/stand-in/index.ts";

/** The pretend server: two channels, an owner, two members, a reviewer and a bot agent. */
export const SANDBOX_WORLD: Pick<StandInOptions, "application" | "guilds"> = {
  application: { name: "Tasklane" },
  guilds: [
    {
      name: "Sandbox",
      owner: "admin",
      roles: [{ name: "Reviewer", color: 0x9b59b6, mentionable: true }],
      channels: [
        { name: "general", topic: "Team tasks" },
        { name: "backend", topic: "Backend work" },
      ],
      members: [
        { username: "admin", globalName: "Admin" },
        { username: "alice", globalName: "Alice" },
        { username: "bob", globalName: "Bob" },
        { username: "rita", globalName: "Rita", roles: ["Reviewer"] },
        { username: "robo", globalName: "Robo", bot: true },
      ],
    },
  ],
};

/** Who is who, for the banner and `help`. */
export const PEOPLE: { name: string; role: string; about: string }[] = [
  { name: "admin", role: "owner", about: "owns the server (may run /tasklane)" },
  { name: "alice", role: "member", about: "member" },
  { name: "bob", role: "member", about: "member" },
  { name: "rita", role: "reviewer", about: "reviewer (@Reviewer role)" },
  { name: "robo", role: "bot agent", about: "bot agent: speaks by mention, e.g. say @Tasklane next" },
];

export const FIRST_USER = "alice";
export const FIRST_CHANNEL = "general";

/**
 * What the admin does once before anyone arrives, through the bot's own commands: reviewers are
 * @Reviewer in both channels, and robo is a registered agent.
 */
export const SETUP_LINES = [
  "as admin",
  "in #general",
  "/tasklane config reviewer-role:@Reviewer",
  "in #backend",
  "/tasklane config reviewer-role:@Reviewer",
  "/tasklane agent add user:@robo",
];
