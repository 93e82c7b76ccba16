package tt.api;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ValidationTest {

    @Test
    void namesAllowLettersDigitsDashUnderscore() {
        assertEquals("TEST", Validation.name("ENV name", "TEST"));
        assertEquals("web-1_a", Validation.name("VM name", "web-1_a"));
        for (String bad : new String[] {"", "-x", "a b", "a/b", "../x", "a;b", "$(id)", "a".repeat(64), "é"}) {
            assertThrows(IllegalArgumentException.class, () -> Validation.name("VM name", bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> Validation.name("VM name", null));
    }

    @Test
    void sshKeysMustBeOnePublicKeyLineEach() {
        String ed = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl me@box";
        assertEquals(List.of(ed), Validation.sshKeys(List.of(ed + "\n")));
        for (String bad : new String[] {"ssh-ed25519", "hello", ed + "\nssh-rsa AAAA", "ssh-dss AAAAB3", ed + "\u0000"}) {
            assertThrows(IllegalArgumentException.class, () -> Validation.sshKeys(List.of(bad)), bad);
        }
        assertEquals(List.of(), Validation.sshKeys(null));
    }

    @Test
    void portsAreInRangeDeduplicatedAnd22IsImplicit() {
        assertEquals(List.of(80, 8080), Validation.guestPorts(List.of(8080, 22, 80, 80)));
        assertThrows(IllegalArgumentException.class, () -> Validation.guestPorts(List.of(0)));
        assertThrows(IllegalArgumentException.class, () -> Validation.guestPorts(List.of(65536)));
        assertThrows(IllegalArgumentException.class, () -> Validation.guestPorts(Arrays.asList(1, null)));
    }

    @Test
    void rangeNamesTheLimits() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Validation.range("memory", -1, 64, 1024, "MiB"));
        assertTrue(e.getMessage().contains("64 to 1024 MiB"), e.getMessage());
        assertEquals(128, Validation.range("memory", 128, 64, 1024, "MiB"));
        IllegalArgumentException unitless = assertThrows(IllegalArgumentException.class,
                () -> Validation.range("replicas", 0, 1, 1000, ""));
        assertEquals("replicas 0 is out of range: use 1 to 1000", unitless.getMessage());
    }

    @Test
    void commandsMustBeNonBlankAndBounded() {
        assertEquals("ls /", Validation.command("ls /"));
        assertThrows(IllegalArgumentException.class, () -> Validation.command(" "));
        assertThrows(IllegalArgumentException.class, () -> Validation.command("a\0b"));
        assertThrows(IllegalArgumentException.class, () -> Validation.command("x".repeat(Validation.MAX_COMMAND_LENGTH + 1)));
    }

    @Test
    void printableEscapesControlCharacters() {
        assertEquals("a\\x0ab", Validation.printable("a\nb"));
        assertTrue(Validation.printable("y".repeat(200)).endsWith("..."));
    }
}
