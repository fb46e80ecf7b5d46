import { describe, expect, it } from "vitest";
import { escapeText, oneLine, refusalText, titleText } from "../../src/discord/render/format.ts";

describe("escapeText: what Discord would render from user text is shown literally", () => {
  it.each([
    ["a masked link", "[x](https://e.example)", "\\[x\\](https://e.example)"],
    ["a heading", "# Big", "\\# Big"],
    ["subtext", "-# small", "\\-# small"],
    ["a quote", "> said", "\\> said"],
    ["a bullet", "- item", "\\- item"],
    ["a numbered item", "1. first", "1\\. first"],
    [
      "bold, italics, strike, spoiler",
      "**b** _i_ ~~s~~ ||p||",
      "\\*\\*b\\*\\* \\_i\\_ \\~\\~s\\~\\~ \\|\\|p\\|\\|",
    ],
    ["a code fence", "```json\n{}\n```", "\\`\\`\\`json\n{}\n\\`\\`\\`"],
    ["a user mention", "<@123456789012345678>", "\\<@123456789012345678>"],
    ["a role mention", "<@&123456789012345678>", "\\<@&123456789012345678>"],
    ["a channel mention", "<#123456789012345678>", "\\<#123456789012345678>"],
    ["a timestamp", "<t:0:R>", "\\<t:0:R>"],
    ["@everyone and @here", "@everyone @HERE", "@\u200beveryone @\u200bHERE"],
    ["a backslash", "a\\b", "a\\\\b"],
    ["bidi overrides and control characters", "a\u202eb\u0000c\u0007", "abc"],
  ])("%s", (_what, input, shown) => {
    expect(escapeText(input)).toBe(shown);
  });

  it("plain words, digits and unicode are left as they are", () => {
    expect(escapeText("Fix the login redirect 2 times 👩‍💻 ünïcödé")).toBe(
      "Fix the login redirect 2 times 👩‍💻 ünïcödé",
    );
  });

  it("titles are one line", () => {
    expect(oneLine(" a \n\n b\tc ")).toBe("a b c");
    expect(titleText("# a\n- b")).toBe("\\# a - b");
  });

  it("refusals keep the bot's markup and escape the user's quoted values", () => {
    expect(refusalText("**#12** is assigned to <@123456789012345678>.")).toBe(
      "**#12** is assigned to <@123456789012345678>.",
    );
    expect(refusalText('labels may only use letters ("[x](https://e.example)" doesn\'t)')).toBe(
      'labels may only use letters ("\\[x\\](https://e.example)" doesn\'t)',
    );
    expect(refusalText("I don't know ```json and @everyone")).toBe(
      "I don't know ˋˋˋjson and @\u200beveryone",
    );
  });
});
