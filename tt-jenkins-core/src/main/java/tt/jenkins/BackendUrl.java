package tt.jenkins;

import java.net.URI;
import java.util.Optional;

/** What a cloud's tt-backend URL must be: an http:// or https:// URL with a host name. */
public final class BackendUrl {

    private BackendUrl() {
    }

    /** What is wrong with the URL as entered, in one line for the form; empty when it is fine. */
    public static Optional<String> problem(String value) {
        String url = value == null ? "" : value.trim();
        if (url.isEmpty()) {
            return Optional.of("Give the tt-backend URL, for example http://tt.example.com:8080");
        }
        try {
            URI uri = URI.create(url);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                return Optional.of("Use an http:// or https:// URL with a host name");
            }
        } catch (IllegalArgumentException e) {
            return Optional.of("Not a URL: " + e.getMessage());
        }
        return Optional.empty();
    }
}
