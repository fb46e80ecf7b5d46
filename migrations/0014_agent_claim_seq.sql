ALTER TABLE "agents" ADD COLUMN "claim_seq" bigint DEFAULT 0 NOT NULL;
