export interface ContainerServer {
  url: string;
  stop(): Promise<void>;
}

const startupTimeoutMs = 120_000;

/** postgres:15 in Docker, durability off; superuser `postgres`, no password. */
export async function startPostgresContainer(): Promise<ContainerServer> {
  const { GenericContainer, Wait } = await import("testcontainers");
  const container = await new GenericContainer("postgres:15")
    .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: "trust" })
    .withCommand([
      "postgres",
      ...[
        "fsync=off",
        "synchronous_commit=off",
        "full_page_writes=off",
        "max_connections=400",
        "jit=off",
      ].flatMap((setting) => ["-c", setting]),
    ])
    .withTmpFs({ "/var/lib/postgresql/data": "rw" })
    .withExposedPorts(5432)
    // the image's init script runs a temporary server first: the second "ready" is the real one
    .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
    .withStartupTimeout(startupTimeoutMs)
    .start();
  const url = `postgres://postgres@${container.getHost()}:${container.getMappedPort(5432)}/postgres`;
  return { url, stop: async () => void (await container.stop()) };
}

/** redis:7 in Docker, nothing persisted. */
export async function startRedisContainer(): Promise<ContainerServer> {
  const { GenericContainer, Wait } = await import("testcontainers");
  const container = await new GenericContainer("redis:7")
    .withCommand(["redis-server", "--save", "", "--appendonly", "no"])
    .withExposedPorts(6379)
    .withWaitStrategy(Wait.forLogMessage(/Ready to accept connections/))
    .withStartupTimeout(startupTimeoutMs)
    .start();
  const url = `redis://${container.getHost()}:${container.getMappedPort(6379)}`;
  return { url, stop: async () => void (await container.stop()) };
}
