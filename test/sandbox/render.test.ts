import { describe, expect, it } from "vitest";
import { renderMessage } from "../../scripts/sandbox/render-message.ts";
import type { RenderContext } from "../../scripts/sandbox/render-text.ts";
import { ansiStyle, NO_STYLE, stripAnsi, styleFor } from "../../scripts/sandbox/style.ts";
import type { ApiMessage, StoredMessage } from "../stand-in/index.ts";

const NAMES: Record<string, string> = { "111": "alice", "222": "robo", "333": "Reviewer", "444": "backend" };
const context = (style = NO_STYLE): RenderContext => ({
  style,
  width: 60,
  viewerId: "111",
  userName: (id) => NAMES[id] ?? "unknown",
  roleName: (id) => NAMES[id] ?? "unknown",
  channelName: (id) => NAMES[id] ?? "unknown",
});

function stored(message: Partial<ApiMessage>, extra: Partial<StoredMessage> = {}): StoredMessage {
  return {
    message: {
      id: "900",
      type: 0,
      channel_id: "444",
      author: { username: "Tasklane" } as ApiMessage["author"],
      content: "",
      timestamp: "2026-01-01T00:00:00.000Z",
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: [],
      embeds: [],
      components: [],
      pinned: false,
      flags: 0,
      ...message,
    },
    guildId: "1",
    ephemeral: false,
    versions: [],
    deleted: false,
    sentBy: "bot",
    ...extra,
  };
}

describe("how the sandbox shows the bot's messages", () => {
  it("shows mentions by name, never as raw ids", () => {
    const text = renderMessage(
      stored({ content: "<@222> you are assigned, ask <@&333> in <#444>" }),
      "new",
      context(),
    );
    expect(text).toContain("@robo you are assigned, ask @Reviewer in #backend");
    expect(text).not.toMatch(/<[@#]/);
  });

  it("marks an ephemeral answer as only for the person who asked", () => {
    const text = renderMessage(
      stored({ content: "Refused." }, { ephemeral: true, visibleTo: "111" }),
      "new",
      context(),
    );
    expect(text.split("\n")[0]).toContain("(only you)");
  });

  it("boxes an embed with its title and fields, and puts the buttons in a row below", () => {
    const card = stored({
      embeds: [
        {
          title: "#3 · Fix login",
          color: 0x3498db,
          fields: [
            { name: "Status", value: "Open", inline: true },
            { name: "Priority", value: "High", inline: true },
            { name: "Depends on", value: "—" },
          ],
          footer: { text: "Created by Alice" },
        },
      ],
      components: [
        {
          type: 1,
          components: [
            { type: 2, style: 1, label: "Claim", custom_id: "a" },
            { type: 2, style: 3, label: "Start", custom_id: "b" },
          ],
        },
      ],
    });
    const lines = renderMessage(card, "edited", context()).split("\n");
    expect(lines[0]).toContain("✎ edited");
    expect(lines[1]).toMatch(/^ {2}┌─+┐$/);
    expect(lines.some((l) => /│ #3 · Fix login\s+│/.test(l))).toBe(true);
    expect(lines.some((l) => /│ Status\s+Priority\s+│/.test(l))).toBe(true);
    expect(lines.some((l) => /│ Depends on {2}—\s+│/.test(l))).toBe(true);
    expect(lines.at(-1)).toBe("  [Claim] [Start]");
    const widths = lines.filter((l) => l.includes("│")).map((l) => l.length);
    expect(new Set(widths).size).toBe(1);
  });

  it("colours by status on a colour terminal, and the text reads the same without colour", () => {
    const card = stored({ embeds: [{ title: "#3 · Fix login", color: 0x2ecc71 }] });
    const coloured = renderMessage(card, "new", context(ansiStyle(24)));
    expect(coloured).toContain("\x1b[38;2;46;204;113m");
    expect(stripAnsi(coloured)).toBe(renderMessage(card, "new", context()));
  });

  it("uses no colour with NO_COLOR set, or when the output is not a terminal", () => {
    const tty = { isTTY: true, getColorDepth: () => 24 } as unknown as NodeJS.WriteStream;
    const pipe = { isTTY: false } as unknown as NodeJS.WriteStream;
    expect(styleFor(tty, { NO_COLOR: "1" }).enabled).toBe(false);
    expect(styleFor(pipe, {}).enabled).toBe(false);
    expect(styleFor(tty, {}).enabled).toBe(true);
  });
});
