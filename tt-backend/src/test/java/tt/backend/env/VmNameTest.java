package tt.backend.env;

import org.junit.jupiter.api.Test;
import tt.api.Validation;

import static org.junit.jupiter.api.Assertions.assertEquals;

class VmNameTest {

    @Test
    void vmNamesSayEnvOsAndArchAndAreValidHostnames() {
        assertEquals("TEST-tinylinux-1-0-x86_64", EnvSpec.vmName("TEST", "qemu:tinylinux-1.0:6.1.x86_64", 0));
        assertEquals("T-centos-7-3-x86_64-2", EnvSpec.vmName("T", "qemu:centos-7.3:3.10.el7.x86_64", 2));
        String longName = EnvSpec.vmName("e".repeat(60), "qemu:tinylinux-1.0:6.1.x86_64", 12);
        assertEquals(63, longName.length());
        assertEquals(longName, Validation.name("VM name", longName));
    }
}
