package tt.api;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;

/**
 * A user's API token; {@code token} (the secret) is shown only in the answer that creates it.
 * {@code scope} is FULL, READ_ONLY or ENVS; the limits are null where there is none.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TokenInfo(String id, String name, Instant createdAt, String token, String scope, Integer maxVms,
                        Integer maxMemMib, Integer maxLifetimeMinutes, Instant expiresAt) {
}
