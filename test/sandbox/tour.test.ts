import { spawn } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";

const TOUR = "scripts/sandbox/examples/tour.txt";

/** `npm run sandbox -- --script scripts/sandbox/examples/tour.txt`, as a person would run it. */
function runTour(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/sandbox.ts", "--script", TOUR], {
      cwd: process.cwd(),
      env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** What follows the first line typed as `line` (by `who`, e.g. "rita #general"), up to the next line typed. */
function answerTo(transcript: string, line: string, who = ""): string {
  const typed = `${who ? `${who} ` : ""}› ${line}\n`;
  const start = transcript.indexOf(typed);
  if (start < 0) throw new Error(`the transcript has no line "${typed.trim()}"`);
  const rest = transcript.slice(start + typed.length);
  const next = rest.search(/^\S+ #\S+ › /m);
  return next < 0 ? rest : rest.slice(0, next);
}

describe("the sandbox tour", () => {
  let run: Awaited<ReturnType<typeof runTour>>;
  beforeAll(async () => {
    run = await runTour();
  }, 180_000);

  it("completes and exits 0: the bot answered every line", () => {
    expect(run.stderr).not.toContain("could not start");
    expect(run.stdout).toMatch(/\d+ lines · the bot answered every one/);
    expect(run.code).toBe(0);
  });

  it("shows the new task's card as a box with its fields and a row of buttons", () => {
    const card = answerTo(
      run.stdout,
      '/task create title:"Fix the login redirect" priority:high labels:auth',
    );
    expect(card).toContain("#1 · Fix the login redirect");
    expect(card).toMatch(/│ Status\s+Priority\s+Assignee\s+│/);
    expect(card).toMatch(/│ Open\s+High\s+Unassigned\s+│/);
    expect(card).toContain("[Claim]");
    expect(card).not.toContain("[Start]");
    expect(card).not.toContain("(only you)");
  });

  it("edits the same card at every step of the review cycle, with the buttons of each status", () => {
    expect(answerTo(run.stdout, "click Start on #1")).toMatch(
      /✎ edited[\s\S]*In progress[\s\S]*\[Submit for review\] \[Submit with a note\] \[Release\]/,
    );
    expect(answerTo(run.stdout, "click Submit for review on #1")).toMatch(
      /In review[\s\S]*\[Approve\] \[Request rework\]/,
    );
  });

  it("refuses a member's Approve only to them, and leaves the card alone", () => {
    const refusal = answerTo(run.stdout, "click Approve on #1", "bob #general");
    expect(refusal).toContain("(only you)");
    expect(refusal).toMatch(/only a reviewer can approve/i);
    expect(refusal).not.toContain("✎ edited");
  });

  it("opens the rework form, and the reason sends the task back", () => {
    const form = answerTo(run.stdout, "click Request rework on #1");
    expect(form).toContain("Request rework on #1");
    expect(form).toContain('submit modal reason:"…"');
    const rework = answerTo(run.stdout, 'submit modal reason:"Add a test for the expired-session case"');
    expect(rework).toMatch(
      /In progress \(rework 1\)[\s\S]*\[Submit for review\] \[Submit with a note\] \[Release\]/,
    );
  });

  it("ends the review cycle with Done and Reopen, and shows it all in the history", () => {
    expect(answerTo(run.stdout, "click Approve on #1", "rita #general")).toMatch(
      /✎ edited[\s\S]*Done \(rework 1\)[\s\S]*\[Reopen\]/,
    );
    const history = answerTo(run.stdout, "/task history task:1");
    expect(history).toContain("(only you)");
    expect(history).toMatch(/rework requested[\s\S]*Add a test for the expired-session case/);
  });

  it("refuses the task past the queue limit, naming the limit", () => {
    const refusal = answerTo(run.stdout, '/task create title:"One task too many"');
    expect(refusal).toContain("(only you)");
    expect(refusal).toMatch(/queue is full: 2 live tasks, limit 2/);
    expect(answerTo(run.stdout, "/tasks queue")).toMatch(/2 live \/ limit 2/);
  });

  it("answers a wrong option name as Discord's client would, without sending anything", () => {
    expect(answerTo(run.stdout, '/task create titel:"typo in the option name"')).toContain(
      '✗ /task create has no option "titel". Did you mean title?',
    );
  });

  it("reads a typed date in the server's time zone, reminds the assignee, goes overdue, and skips to the next occurrence", () => {
    expect(answerTo(run.stdout, "/tasklane config timezone:Europe/Berlin remind-before:1h")).toMatch(
      /remind-before\s+remind-overdue\s+timezone \(server\)\s*│\s*\n\s*│ 1h\s+on\s+Europe\/Berlin/,
    );
    // 17:00 in Berlin is 16:00 UTC; the sandbox shows Discord timestamps in UTC.
    expect(answerTo(run.stdout, '/task create title:"Quarterly report" due:"2030-03-01 17:00"')).toContain(
      "1 Mar 2030 16:00 UTC",
    );
    expect(answerTo(run.stdout, "later 90m")).toMatch(/@bob reminder: #6 is due .* \(in 30 minutes\)\./);
    const due = answerTo(run.stdout, "later 1h");
    expect(due).toContain("@bob reminder: #6 is due now");
    expect(due).toMatch(/\{json\} reminder · #6 · open/);
    expect(due).toMatch(/Overdue/);
    expect(answerTo(run.stdout, "/tasks list due:overdue")).toMatch(
      /#6 Water the plants .* overdue, due 30 minutes ago/,
    );
    const skipped = answerTo(run.stdout, "/task cancel task:6 skip-this-one:true");
    expect(skipped).toContain("You skipped #6 · Water the plants; the next one is #7.");
    expect(skipped).toMatch(/#7 · Water the plants[\s\S]*Repeats weekly[\s\S]*\(in 7 days\)/);
  });

  it("hands the agent the most urgent task when it asks for work, and puts it on the card", () => {
    const claim = answerTo(run.stdout, "say @Tasklane next");
    expect(claim).toContain("↳ reply to robo");
    expect(claim).toContain("#2 is yours and started");
    expect(claim).toMatch(/\{json\} reply[^\n]*\n\s*\n\s*#2 · Rotate the API keys/);
    expect(claim).toMatch(/\{json\} reply · next · #2 · in_progress/);
    expect(claim).toMatch(/✎ edited[\s\S]*In progress\s+Critical\s+@robo/);
  });

  it("closes the review loop with the agent: reviewers told, the rework reason reaches it, it asks and is answered", () => {
    const submitted = answerTo(
      run.stdout,
      "say @Tasklane submit 2 Rotated all keys; the old ones are revoked",
    );
    expect(submitted).toContain("#2 · Rotate the API keys is ready for review by @Reviewer");
    expect(answerTo(run.stdout, "/tasks reviews")).toMatch(/#2 · Rotate the API keys — submitted by @robo/);
    const rework = answerTo(
      run.stdout,
      '/task rework task:2 reason:"Also rotate the webhook signing secret"',
    );
    expect(rework).toContain(
      "@robo #2 · Rotate the API keys needs rework (rework 1, attempt 2), from @rita:",
    );
    expect(rework).toContain("> Also rotate the webhook signing secret");
    expect(rework).toMatch(/\{json\} rework · #2 · in_progress/);
    const question = answerTo(run.stdout, "say @Tasklane ask 2 Which webhooks: Stripe, GitHub or both?");
    expect(question).toContain("@alice @robo asks about #2 · Rotate the API keys:");
    expect(question).toMatch(/Waiting for an answer/);
    const answer = answerTo(run.stdout, '/task answer task:2 text:"Both, please"');
    expect(answer).toContain("@robo @alice answered your question on #2");
    expect(answer).toMatch(/\{json\} answer · #2 · in_progress/);
    const attempts = answerTo(run.stdout, "/task attempts task:2");
    expect(attempts).toMatch(
      /Attempt 1[\s\S]*submitted[\s\S]*Rotated all keys[\s\S]*Attempt 2[\s\S]*Rotated the keys and both/,
    );
  });

  it("delivers an assignment to the agent with its mention shown by name and the json block", () => {
    const assignment = answerTo(run.stdout, "/task assign task:3 assignee:@robo");
    expect(assignment).toContain("@robo you are assigned #3 (attempt 1 of 3).");
    expect(assignment).toMatch(/\{json\} assignment[^\n]*\n\s*\n\s*#3 · Nightly export job/);
    expect(assignment).toMatch(/\{json\} assignment · #3/);
    expect(assignment).not.toMatch(/<@\d+>/);
  });

  it("opens a thread on a new task's card and holds the task's conversation there, the number left out", () => {
    const comment = answerTo(run.stdout, '/task comment task:4 text:"Mention the new login flow"');
    expect(comment).toMatch(
      /Tasklane #general\/#4\n\s+@alice commented on #4:\n\s+> Mention the new login flow/,
    );
    const assignment = answerTo(run.stdout, "/task assign task:4 assignee:@robo");
    expect(assignment).toMatch(/Tasklane #general\n\s+@robo you are assigned #4/);
    const started = answerTo(run.stdout, "say @Tasklane start", "robo #general/#4");
    expect(started).toMatch(/Tasklane #general\/#4 ↳ reply to robo\n\s+Started #4\./);
    const submitted = answerTo(run.stdout, "say @Tasklane submit Drafted the notes in docs/release.md");
    expect(submitted).toContain("#4 submitted for review.");
    expect(submitted).toMatch(/Tasklane #general\/#4\n\s+#4 · Write the release notes is ready for review/);
    // The card in the channel is still edited on every change.
    expect(submitted).toMatch(/Tasklane #general ✎ edited[\s\S]*\[Approve\] \[Request rework\]/);
  });
});
