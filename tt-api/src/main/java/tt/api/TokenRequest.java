package tt.api;

/**
 * A new user's token: its name, what it may do ({@code scope}: FULL, the default, READ_ONLY or
 * ENVS), its quota (at most so many VMs, so much memory over all its ENVs, so long a lifetime per
 * ENV) and how long it works ({@code expiresInMinutes}); null for no limit.
 */
public record TokenRequest(String name, String scope, Integer maxVms, Integer maxMemMib, Integer maxLifetimeMinutes,
                           Integer expiresInMinutes) {
}
