package tt.api;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageNameTest {

    @Test
    void parsesTheSeedsNames() {
        ImageName fire = ImageName.parse("fire:centos-7.3:3.10.el7.x86_64");
        assertEquals("fire", fire.engine());
        assertEquals("centos-7.3", fire.os());
        assertEquals("x86_64", fire.arch());
        assertEquals("amd64", ImageName.parse("bhyve:freebsd-14.1:amd64").arch());
        assertEquals("qemu:tinylinux-1.0:6.1.aarch64", ImageName.parse("qemu:tinylinux-1.0:6.1.aarch64").toString());
    }

    @Test
    void prefixMatchIgnoresCaseAndSeparators() {
        ImageName ubuntu = ImageName.parse("qemu:ubuntu-20.04:5.4.x86_64");
        assertTrue(ubuntu.osMatches("ubuntu2004"));
        assertTrue(ubuntu.osMatches("Ubuntu"));
        assertFalse(ubuntu.osMatches("ubuntu2204"));
        assertTrue(ImageName.parse("fire:CentOS-7.3:3.10.x86_64").osMatches("cent"));
        assertFalse(ubuntu.osMatches(""));
    }

    @Test
    void refusesMalformedAndHostileNames() {
        for (String bad : new String[] {"qemu:x", "qemu:a:b:c", "../etc:a:b", "qemu:a b:c", "qemu:a;rm -rf /:b",
                "QEMU:a:b", ":a:b", "qemu:a:", "qemu:..:x86_64/../../"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageName.parse(bad), bad);
            assertTrue(e.getMessage().contains("engine:os-version:kernel.arch"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> ImageName.parse(null));
    }
}
