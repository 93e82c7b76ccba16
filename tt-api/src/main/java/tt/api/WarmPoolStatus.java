package tt.api;

/**
 * A warm pool: VMs of {@code image} kept booted and waiting for an identity, at least {@code min},
 * up to {@code max} as recent demand asks ({@code target} now); {@code ready} wait now,
 * {@code starting} are on their way.
 */
public record WarmPoolStatus(String image, int min, int max, int target, int ready, int starting) {
}
