package tt.api;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;

/** A user's API token; {@code token} (the secret) is shown only in the answer that creates it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TokenInfo(String id, String name, Instant createdAt, String token) {
}
