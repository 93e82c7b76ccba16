package tt.host.engine.qemu;

import org.junit.jupiter.api.Test;
import tt.api.ImageName;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AccelProbeTest {

    @Test
    void kvmInternalErrorMeansTcg() {
        AccelProbe.Result r = AccelProbe.interpret(true, "KVM internal error. Suberror: 1\nextra data", 300);
        assertEquals("tcg", r.accel());
        assertTrue(r.reason().contains("KVM internal error"));
    }

    @Test
    void aKernelPanicOnTheMissingRootMeansKvmWorks() {
        assertEquals("kvm", AccelProbe.interpret(true,
                "[0.5] VFS: Unable to mount root fs on unknown-block(0,0)\n[0.5] Kernel panic - not syncing", 900).accel());
    }

    @Test
    void aHangOrSilentExitMeansTcg() {
        assertTrue(AccelProbe.interpret(false, "", 15000).reason().contains("hung"));
        AccelProbe.Result r = AccelProbe.interpret(true, "qemu: could not open /dev/kvm\n", 10);
        assertEquals("tcg", r.accel());
        assertTrue(r.reason().contains("could not open"), r.reason());
    }

    @Test
    void foreignArchitecturesNeverProbe() {
        String other = ImageName.hostArch().equals("x86_64") ? "aarch64" : "x86_64";
        AccelProbe.Result r = AccelProbe.probe(other, Path.of("/nonexistent"), "ttyS0");
        assertEquals("tcg", r.accel());
        assertTrue(r.reason().contains("differs from host arch"));
    }
}
