import { type APIButtonComponent, ButtonStyle, ComponentType } from "discord.js";
import { encodeCustomId } from "../custom-id.ts";

/**
 * Previous/Next for a list page. A missing token means there is no such page: the button is shown
 * disabled (its placeholder custom_id never resolves to a list, and Discord won't send a click anyway).
 */
export function pagingButtons(previousToken: string | null, nextToken: string | null): APIButtonComponent[] {
  if (!previousToken && !nextToken) return [];
  return [
    {
      type: ComponentType.Button,
      style: ButtonStyle.Secondary,
      label: "Previous",
      custom_id: encodeCustomId({ kind: "page", token: previousToken ?? "none-previous" }),
      disabled: !previousToken,
    },
    {
      type: ComponentType.Button,
      style: ButtonStyle.Secondary,
      label: "Next",
      custom_id: encodeCustomId({ kind: "page", token: nextToken ?? "none-next" }),
      disabled: !nextToken,
    },
  ];
}
