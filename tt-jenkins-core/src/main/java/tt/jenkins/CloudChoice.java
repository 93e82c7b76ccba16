package tt.jenkins;

import java.util.List;

/** Which TT cloud a Pipeline step uses: the one it names, or the only one when it names none. */
public final class CloudChoice {

    private CloudChoice() {
    }

    /**
     * The index of the cloud to use among those configured.
     *
     * @param requested the name the step gives, or null or blank for none
     * @throws IllegalArgumentException saying why no cloud fits
     */
    public static int choose(String requested, List<String> configured) {
        if (requested != null && !requested.isBlank()) {
            int i = configured.indexOf(requested);
            if (i < 0) {
                throw new IllegalArgumentException("no TT cloud named '" + requested + "'; configured: "
                        + String.join(", ", configured));
            }
            return i;
        }
        if (configured.size() != 1) {
            throw new IllegalArgumentException(configured.isEmpty()
                    ? "no TT cloud is configured: add one in Manage Jenkins > Clouds"
                    : "several TT clouds are configured: say which with cloud: '<name>'");
        }
        return 0;
    }
}
