package tt.api;

/** How many VMs of an image to keep warm: at least {@code min}, up to {@code max} as demand asks. */
public record WarmPoolSettings(Integer min, Integer max) {
}
