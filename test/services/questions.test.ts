import { describe, expect, it } from "vitest";
import { systemReader } from "../../src/services/actors.ts";
import { DRIVERS, useHarness } from "./support/harness.ts";
import { newScene, user } from "./support/scene.ts";

/** ask / answer on a task in progress: the lease pauses and resumes; the attempt keeps the exchange. */
describe.each(DRIVERS)("questions and answers (%s)", (driver) => {
  const h = useHarness(driver);

  it("the attempt keeps every question with its answer; checkAnswer refuses as answer would, writing nothing", async () => {
    const s = await newScene(h, { leaseMinutes: 30 });
    const agent = { ...user(), isBot: true };
    await h.agents.add(s.ctx(s.admin), { userId: agent.userId });
    await h.tasks.create(s.ctx(s.creator), { title: "Migrate the wiki" });
    await h.tasks.transition(s.ctx(s.creator), { number: 1, action: "assign", assigneeId: agent.userId });
    await h.tasks.transition(s.ctx(agent, "mention"), { number: 1, action: "start" });
    const reader = systemReader(s.guildId);

    // Nothing to answer yet.
    await expect(h.tasks.checkAnswer(s.ctx(s.creator), 1)).rejects.toMatchObject({
      message: "#1 has no question waiting for an answer.",
    });
    const asked = await h.tasks.ask(s.ctx(agent, "mention"), 1, "Keep the old URLs?");
    expect(asked.leaseExpiresAt).toBeNull();
    const [open] = await h.tasks.attempts(reader, 1);
    expect(open?.questions).toEqual([
      {
        question: "Keep the old URLs?",
        askedBy: agent.userId,
        askedAt: expect.any(String),
        answer: null,
        answeredBy: null,
        answeredAt: null,
      },
    ]);

    const before = await h.snapshot();
    await expect(h.tasks.checkAnswer(s.ctx(s.member), 1)).rejects.toMatchObject({ name: "ForbiddenError" });
    await expect(h.tasks.checkAnswer(s.ctx(s.creator), 1, asked.version - 1)).rejects.toMatchObject({
      name: "ConflictError",
    });
    await h.tasks.checkAnswer(s.ctx(s.reviewer), 1, asked.version);
    expect(await h.snapshot()).toEqual(before);

    h.clock.advance(60_000);
    const answered = await h.tasks.answer(s.ctx(s.reviewer), 1, "Yes, redirect them");
    expect(answered.leaseExpiresAt).not.toBeNull();
    await h.tasks.ask(s.ctx(agent, "mention"), 1, "And the images?");
    await h.tasks.answer(s.ctx(s.creator), 1, "Move them too");

    const [attempt] = await h.tasks.attempts(reader, 1);
    expect(
      attempt?.questions.map(({ question, answer, answeredBy }) => ({ question, answer, answeredBy })),
    ).toEqual([
      { question: "Keep the old URLs?", answer: "Yes, redirect them", answeredBy: s.reviewer.userId },
      { question: "And the images?", answer: "Move them too", answeredBy: s.creator.userId },
    ]);
    // Answered a minute (of the injected clock) after it was asked.
    const [first] = attempt!.questions;
    expect(Date.parse(first!.answeredAt!) - Date.parse(first!.askedAt)).toBeGreaterThanOrEqual(60_000);
  });
});
