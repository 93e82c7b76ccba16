package tt.jenkins;

import org.junit.jupiter.api.Test;
import tt.api.EnvCreateRequest;
import tt.api.EnvInfo;
import tt.api.EnvState;
import tt.api.EnvVm;
import tt.api.VmState;
import tt.testkit.ManualClock;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The ttEnvCreate step without Jenkins: its arguments to a request, and a ready ENV to the step's result. */
class EnvCreateArgumentsTest {

    private final ManualClock clock = new ManualClock(Instant.ofEpochMilli(1_765_432_123_456L));

    @Test
    void osPrefixesAndTheBackendsDefaultSizesMakeARequestNamedAfterTheBuild() throws BuildEnvs.Failure {
        EnvCreateArguments args = new EnvCreateArguments(List.of("centos", "ubuntu2004"), null, null, 1, 0, 0, 120, 600);
        assertEquals(EnvCreateRequest.builder("b-team-app-main-12-23456").osPrefix("centos", "ubuntu2004").cpu(1)
                .lifetimeMinutes(120).build(), args.request("team/app/Main", 12, clock));
        assertEquals(Duration.ofSeconds(600), args.timeout());
    }

    @Test
    void imagesANameAndSizesAreTakenAsGiven() throws BuildEnvs.Failure {
        EnvCreateArguments args = new EnvCreateArguments(List.of(), List.of("qemu:debian-12:x86_64"), "my-env", 2, 2048,
                10240, 30, 60);
        assertEquals(EnvCreateRequest.builder("my-env").images("qemu:debian-12:x86_64").cpu(2).memMib(2048)
                .diskMib(10240).lifetimeMinutes(30).build(), args.request("job", 1, clock));
        assertEquals("b-job-1-23456", new EnvCreateArguments(null, List.of("qemu:debian-12:x86_64"), " ", 1, 0, 0, 30,
                60).request("job", 1, clock).name(), "a blank name is no name");
    }

    @Test
    void neitherOsNorImagesIsRefusedInOneLine() {
        BuildEnvs.Failure f = assertThrows(BuildEnvs.Failure.class,
                () -> new EnvCreateArguments(null, List.of(), "x", 1, 0, 0, 120, 600).request("job", 1, clock));
        assertEquals("ttEnvCreate needs os: ['<os prefix>', ...] or images: ['<image>', ...]", f.getMessage());
    }

    @Test
    void theResultNamesTheEnvAndEachVmAndTheLogHasALinePerVm() {
        EnvInfo env = new EnvInfo("id", "b-job-1-7", "ci", EnvState.READY, Instant.EPOCH, null, null, null, null, null,
                List.of(new EnvVm("centos-1", "qemu:centos-7.3:x86_64", "h1", "7", VmState.READY, "10.0.0.1",
                        Map.of(22, 40022), null),
                        new EnvVm("ubuntu-1", "qemu:ubuntu-20.04:x86_64", "h2", "8", VmState.READY, "10.0.0.2", null,
                                null)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Map<String, Object> result = BuildEnvs.stepResult(env, new PrintStream(out, true, StandardCharsets.UTF_8));
        Map<String, Object> noPort = new HashMap<>(Map.of("name", "ubuntu-1", "image", "qemu:ubuntu-20.04:x86_64",
                "host", "h2", "address", "10.0.0.2"));
        noPort.put("sshPort", null);
        assertEquals(Map.of("name", "b-job-1-7", "vms", List.of(Map.of("name", "centos-1", "image",
                "qemu:centos-7.3:x86_64", "host", "h1", "address", "10.0.0.1", "sshPort", 40022), noPort)), result);
        assertEquals("tt: centos-1 (qemu:centos-7.3:x86_64) on h1\ntt: ubuntu-1 (qemu:ubuntu-20.04:x86_64) on h2\n",
                out.toString(StandardCharsets.UTF_8));
    }
}
