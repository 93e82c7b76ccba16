package tt.jenkins;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BackendUrlTest {

    @Test
    void anHttpOrHttpsUrlWithAHostIsFine() {
        assertEquals(Optional.empty(), BackendUrl.problem("http://tt.example.com:8080"));
        assertEquals(Optional.empty(), BackendUrl.problem("  https://127.0.0.1:20002/  "));
    }

    @Test
    void noUrlAsksForOneWithAnExample() {
        for (String none : new String[] {null, "", "   "}) {
            assertEquals(Optional.of("Give the tt-backend URL, for example http://tt.example.com:8080"),
                    BackendUrl.problem(none), String.valueOf(none));
        }
    }

    @Test
    void anotherSchemeOrNoHostIsNamed() {
        for (String bad : new String[] {"ftp://tt.example.com", "tt.example.com:8080", "https:///api", "file:/etc/tt"}) {
            assertEquals(Optional.of("Use an http:// or https:// URL with a host name"), BackendUrl.problem(bad), bad);
        }
    }

    @Test
    void somethingThatIsNoUrlSaysWhereItBreaks() {
        assertEquals(Optional.of("Not a URL: Illegal character in authority at index 7: http://tt example.com"),
                BackendUrl.problem("http://tt example.com"));
        assertEquals(Optional.of("Not a URL: Expected authority at index 7: http://"), BackendUrl.problem("http://"));
    }
}
