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

/** Who may change channel settings and register agents. */
export function canConfigure(actor: DomainActor): boolean {
  return actor.permissions.some((permission) => REVIEWER_PERMISSIONS.includes(permission));
}

/** Permissions that channel overwrites can grant or deny; the others hold server-wide. */
const CHANNEL_SCOPED_PERMISSIONS: readonly Permission[] = ["manage_channels"];

/**
 * The actor as seen from the task's channel. Discord computed the permissions in the channel the
 * interaction came from; Manage Channels there says nothing about the task's channel, so it only
 * counts when the two are the same. (Administrator and Manage Server hold server-wide.)
 */
export function actorForTaskChannel<A extends DomainActor>(
  actor: A,
  actorChannelId: string,
  taskChannelId: string,
): A {
  if (actorChannelId === taskChannelId) return actor;
  return {
    ...actor,
    permissions: actor.permissions.filter((permission) => !CHANNEL_SCOPED_PERMISSIONS.includes(permission)),
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
