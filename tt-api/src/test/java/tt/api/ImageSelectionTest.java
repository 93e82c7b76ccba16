package tt.api;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageSelectionTest {

    private static final List<String> POOL = List.of("qemu:centos-7.3:3.10.x86_64", "fire:CentOS-8.1:4.18.x86_64",
            "qemu:ubuntu-20.04:5.4.x86_64", "qemu:ubuntu-22.04:5.15.x86_64");

    @Test
    void theSeedsExampleSelectsEveryCentosAndOnlyUbuntu2004() {
        assertEquals(List.of("fire:CentOS-8.1:4.18.x86_64", "qemu:centos-7.3:3.10.x86_64", "qemu:ubuntu-20.04:5.4.x86_64"),
                ImageSelection.select(POOL, List.of("cent", "ubuntu2004"), null));
    }

    @Test
    void exactImagesAndPrefixesAreMergedWithoutDuplicates() {
        assertEquals(List.of("qemu:ubuntu-22.04:5.15.x86_64"),
                ImageSelection.select(POOL, List.of("ubuntu22"), List.of("qemu:ubuntu-22.04:5.15.x86_64")));
    }

    @Test
    void badOrEmptySelectionsSayWhatToFix() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ImageSelection.select(POOL, List.of(), List.of()))
                .getMessage().contains("--os-prefix"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ImageSelection.select(POOL, List.of("win"), null))
                .getMessage().contains("matches no image"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ImageSelection.select(POOL, List.of("a;b"), null))
                .getMessage().contains("bad OS prefix"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ImageSelection.select(POOL, null, List.of("x")))
                .getMessage().contains("not in the pool"));
    }

    @Test
    void matchingImagesAreSortedAndIgnoreSeparators() {
        List<String> pool = List.of("qemu:ubuntu-22.04:x86_64", "qemu:centos-7.3:x86_64", "qemu:ubuntu-20.04:x86_64",
                "qemu:ubuntu-20.04:aarch64");
        assertEquals(List.of("qemu:ubuntu-20.04:aarch64", "qemu:ubuntu-20.04:x86_64", "qemu:ubuntu-22.04:x86_64"),
                ImageSelection.matching(pool, "ubuntu"));
        assertEquals(List.of("qemu:ubuntu-22.04:x86_64"), ImageSelection.matching(pool, "Ubuntu_22"));
        assertEquals(List.of(), ImageSelection.matching(pool, "windows"));
    }

    @Test
    void matchingAnyPrefixMayFindNothing() {
        assertEquals(List.of("qemu:ubuntu-20.04:5.4.x86_64", "qemu:ubuntu-22.04:5.15.x86_64"),
                ImageSelection.matchingAny(POOL, List.of("ubuntu", "ubuntu2004")));
        assertEquals(List.of(), ImageSelection.matchingAny(POOL, List.of("windows")), "nothing matches: no error");
        assertThrows(IllegalArgumentException.class, () -> ImageSelection.matchingAny(POOL, List.of("a b")));
    }
}
