/** Discord's ISO8601 timestamps carry microseconds and an explicit offset: 2024-05-01T12:00:00.123000+00:00 */
export function discordTimestamp(ms: number = Date.now()): string {
  return new Date(ms).toISOString().replace("Z", "000+00:00");
}
