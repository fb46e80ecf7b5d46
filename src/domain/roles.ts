/** Who an actor is with respect to one task. An actor may hold several roles at once. */

export const ROLES = ["assignee", "creator", "reviewer", "admin", "anyone", "system"] as const;
export type Role = (typeof ROLES)[number];

export type Permission = "administrator" | "manage_guild" | "manage_channels";

/** Structurally the services' Actor: the domain does not import the service layer. */
export interface DomainActor {
  userId: string;
  roleIds: readonly string[];
  permissions: readonly Permission[];
}

export interface RoleTask {
  assigneeId: string | null;
  createdBy: string;
}

export interface RoleSettings {
  reviewerRoleId: string | null;
}

const ADMIN_PERMISSIONS: readonly Permission[] = ["administrator", "manage_guild"];
const REVIEWER_PERMISSIONS: readonly Permission[] = ["administrator", "manage_guild", "manage_channels"];

export function isAdmin(actor: DomainActor): boolean {
  return actor.permissions.some((permission) => ADMIN_PERMISSIONS.includes(permission));
}

/** The channel's reviewer role, or anyone who may manage the channel or the server. */
export function isReviewer(actor: DomainActor, settings: RoleSettings): boolean {
  if (actor.permissions.some((permission) => REVIEWER_PERMISSIONS.includes(permission))) return true;
  return settings.reviewerRoleId !== null && actor.roleIds.includes(settings.reviewerRoleId);
}

/** Server-wide settings (the agent registry): Manage Server or Administrator. */
export function canManageServer(actor: DomainActor): boolean {
  return isAdmin(actor);
}

/** A channel's settings: Manage Channels in that channel (Administrator holds it everywhere). */
export function canConfigureChannel(actor: DomainActor, rights: ChannelRights): boolean {
  return rights.view && (rights.manageChannels || actor.permissions.includes("administrator"));
}

/** What an actor may do in one channel, as the Discord layer computed it (roles + overwrites). */
export interface ChannelRights {
  view: boolean;
  send: boolean;
  manageChannels: boolean;
}

export const NO_RIGHTS: ChannelRights = { view: false, send: false, manageChannels: false };

/** Held server-wide: Discord's base permissions, which channel overwrites cannot change. */
export type ServerPermission = Exclude<Permission, "manage_channels">;

/**
 * The actor as the rules see it in one channel: its server-wide permissions, plus Manage Channels
 * when it holds that in this channel (and nowhere else).
 */
export function actorInChannel<A extends DomainActor>(actor: A, rights: ChannelRights): DomainActor {
  const serverWide = actor.permissions.filter((permission) => permission !== "manage_channels");
  return {
    userId: actor.userId,
    roleIds: actor.roleIds,
    permissions: rights.manageChannels ? [...serverWide, "manage_channels"] : serverWide,
  };
}

/** `system` is granted by the caller (background jobs), never derived from a Discord user. */
export function rolesOf(
  actor: DomainActor,
  task: RoleTask,
  settings: RoleSettings,
  system = false,
): Set<Role> {
  const roles = new Set<Role>(["anyone"]);
  if (task.assigneeId !== null && task.assigneeId === actor.userId) roles.add("assignee");
  if (task.createdBy === actor.userId) roles.add("creator");
  if (isReviewer(actor, settings)) roles.add("reviewer");
  if (isAdmin(actor)) roles.add("admin");
  if (system) roles.add("system");
  return roles;
}

const ROLE_WORDS: Record<Role, string> = {
  assignee: "the assignee",
  creator: "the creator",
  reviewer: "a reviewer",
  admin: "an admin",
  anyone: "anyone",
  system: "Tasklane itself",
};

/** "the assignee, the creator or a reviewer" */
export function roleWords(roles: readonly Role[]): string {
  const words = roles.map((role) => ROLE_WORDS[role]);
  if (words.length <= 1) return words.join("");
  return `${words.slice(0, -1).join(", ")} or ${words.at(-1)}`;
}
