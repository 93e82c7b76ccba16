package tt.api;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class GuestHostnameTest {

    @Test
    void underscoresBecomeHyphens() {
        assertEquals("TEST-debian-12-x86-64", GuestHostname.of("TEST-debian-12-x86_64"));
        assertEquals("a-b-c", GuestHostname.of("a_b_c"));
    }

    @Test
    void aNameThatIsAlreadyAHostnameStaysAsItIs() {
        assertEquals("web1", GuestHostname.of("web1"));
        assertEquals("SOLO-minilinux-2-0-aarch64", GuestHostname.of("SOLO-minilinux-2-0-aarch64"));
    }

    @Test
    void aTrailingHyphenOrUnderscoreIsDropped() {
        assertEquals("build", GuestHostname.of("build_"));
        assertEquals("build", GuestHostname.of("build-_-"));
    }
}
