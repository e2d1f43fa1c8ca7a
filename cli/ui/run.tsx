// Placeholder for the full-screen client (issue 15), written by the
// scripting side so that cli/main.ts builds before the Ink UI lands; the
// full-screen helper replaces this file with the real runChat.
import type { Folders, NameMemory, Target } from "../context";

export async function runChat(_o: {
  target: Target;
  name: string | null;
  names: NameMemory;
  folders: Folders;
}): Promise<number> {
  process.stderr.write("roomchat: full screen not built yet\n");
  return 1;
}
