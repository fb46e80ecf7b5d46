/** Words for generated titles and descriptions: frequent ones first (the generator skews toward them). */
export const WORDS = `fix add update remove refactor test deploy review build release bug feature page login
user api database cache queue worker error timeout crash slow memory report export import config setting
button modal embed channel message thread role permission admin guild server client token session auth
password email notification reminder schedule backup restore migration schema index query search filter
sort pagination dashboard chart metric log trace alert monitor health check docker kubernetes pipeline
ci cd lint format typescript node postgres redis discord webhook endpoint route handler controller service
model view template style layout mobile desktop browser firefox chrome safari android ios upload download
file image video audio thumbnail preview avatar profile account billing invoice payment subscription plan
trial coupon discount refund order cart checkout shipping address tax currency locale translation language
timezone calendar event meeting agenda note comment mention reaction emoji sticker voice stream record
playback volume mute ban kick warn moderation spam filter rule policy terms privacy cookie consent gdpr
security vulnerability patch upgrade dependency package version changelog readme docs tutorial guide example
onboarding welcome invite link share copy paste undo redo shortcut hotkey menu sidebar header footer tab
panel dialog tooltip spinner loader skeleton placeholder empty state retry backoff limit quota throttle
batch bulk sync async race lock deadlock leak flaky regression benchmark profile optimize latency throughput
cpu disk network dns tls certificate proxy gateway shard cluster replica failover snapshot archive purge
cleanup rename move merge split duplicate archive pin star favorite tag label category priority estimate
deadline milestone sprint backlog roadmap epic story task subtask blocker dependency owner assignee reviewer`
  .split(/\s+/)
  .filter(Boolean);

export const LABELS =
  `bug feature docs ui backend frontend infra security perf ops design research agent urgent
chore test api db mobile web billing growth support data ml review release hotfix cleanup`
    .split(/\s+/)
    .filter(Boolean);
