package tt.jenkins;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import tt.api.RunResult;
import tt.client.BackendClient;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AgentVmsTest {

    private static final List<String> POOL = List.of("qemu:ubuntu-22.04:x86_64", "qemu:centos-7.3:x86_64",
            "qemu:ubuntu-20.04:x86_64", "qemu:ubuntu-20.04:aarch64");

    @Test
    void anOsPrefixPicksTheFirstMatchingImageByNamePreferablyOfTheControllersArch() {
        assertEquals("qemu:ubuntu-20.04:x86_64", AgentVms.chooseImage(spec("ubuntu", null), POOL, "x86_64"));
        assertEquals("qemu:ubuntu-20.04:aarch64", AgentVms.chooseImage(spec("ubuntu", null), POOL, "aarch64"));
        assertEquals("qemu:ubuntu-20.04:aarch64", AgentVms.chooseImage(spec("ubuntu2004", null), POOL, "riscv64"));
        assertEquals("qemu:centos-7.3:x86_64", AgentVms.chooseImage(spec("cent", null), POOL, "aarch64"));
    }

    @Test
    void anArchGivenIsRequired() {
        AgentVms.Spec arm = new AgentVms.Spec("ubuntu", null, "aarch64", 1, 512, null, 60);
        assertEquals("qemu:ubuntu-20.04:aarch64", AgentVms.chooseImage(arm, POOL, "x86_64"));
        AgentVms.Spec armCentos = new AgentVms.Spec("centos", null, "aarch64", 1, 512, null, 60);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AgentVms.chooseImage(armCentos, POOL, "x86_64"));
        assertTrue(e.getMessage().contains("'centos' for aarch64"), e.getMessage());
    }

    @Test
    void anExactImageMustBeInThePool() {
        assertEquals("qemu:centos-7.3:x86_64", AgentVms.chooseImage(spec(null, "qemu:centos-7.3:x86_64"), POOL,
                "aarch64"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AgentVms.chooseImage(spec(null, "qemu:centos-8:x86_64"), POOL, "x86_64"));
        assertTrue(e.getMessage().contains("no online TT host has the image 'qemu:centos-8:x86_64'"), e.getMessage());
    }

    @Test
    void noMatchSaysWhatThePoolHas() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AgentVms.chooseImage(spec("freebsd", null), POOL, "x86_64"));
        assertTrue(e.getMessage().contains("'freebsd'") && e.getMessage().contains("qemu:centos-7.3:x86_64"),
                e.getMessage());
    }

    @Test
    void aSpecNamesEitherAnOsOrAnImage() {
        assertThrows(IllegalArgumentException.class, () -> spec(null, null));
        assertThrows(IllegalArgumentException.class, () -> spec("ubuntu", "qemu:ubuntu-20.04:x86_64"));
    }

    @Test
    void runReportsPrintEachVmAndListTheFailures() {
        List<RunResult> results = List.of(new RunResult("ubuntu-1", 0, "ok\n", "", 12, null),
                new RunResult("centos-1", 2, "", "boom", 30, null),
                new RunResult("bsd-1", -1, null, null, 5, "SSH refused"));
        assertEquals("==== ubuntu-1: exit 0 (12 ms) ====\nok\n", EnvRunReport.format(results.get(0)));
        assertEquals("==== centos-1: exit 2 (30 ms) ====\nboom\n", EnvRunReport.format(results.get(1)));
        assertEquals("==== bsd-1: could not run: SSH refused (5 ms) ====\n", EnvRunReport.format(results.get(2)));
        assertEquals(List.of("centos-1 (exit 2)", "bsd-1 (could not run)"), EnvRunReport.failures(results));
    }

    @Test
    void aSweepGoesOnPastAnEnvItCannotDelete() throws Exception {
        // the backend's answers, from memory: one ENV fails to delete, one is already gone
        HttpServer backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        List<String> deleted = new CopyOnWriteArrayList<>();
        backend.createContext("/api/v1/envs/", exchange -> {
            String env = exchange.getRequestURI().getPath().substring("/api/v1/envs/".length());
            int status = env.equals("j1-broken") ? 500 : env.equals("j1-gone") ? 404 : 204;
            if (status == 204) {
                deleted.add(env);
            }
            byte[] body = status == 204 ? new byte[0] : "{\"error\":\"internal error: disk on fire\"}".getBytes();
            exchange.sendResponseHeaders(status, status == 204 ? -1 : body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        backend.start();
        try {
            AgentVms vms = new AgentVms(new BackendClient(URI.create("http://127.0.0.1:" + backend.getAddress().getPort()),
                    "t"));
            Map<String, String> failures = vms.deleteAll(List.of("j1-a", "j1-broken", "j1-gone", "j1-b"));
            assertEquals(List.of("j1-a", "j1-b"), deleted, "the ENVs after the failing one are deleted too");
            assertEquals(Map.of("j1-broken", "internal error: disk on fire"), failures, "an ENV already gone is no failure");
        } finally {
            backend.stop(0);
        }
    }

    @Test
    void leasesAreRenewedOneByOneAndAGoneEnvIsNoFailure() throws Exception {
        HttpServer backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        List<String> renewed = new CopyOnWriteArrayList<>();
        backend.createContext("/api/v1/envs/", exchange -> {
            String env = exchange.getRequestURI().getPath().replaceAll("^/api/v1/envs/|/renew$", "");
            int status = env.equals("j1-broken") ? 503 : env.equals("j1-gone") ? 404 : 200;
            byte[] body = status == 200 ? "{}".getBytes() : "{\"error\":\"backend busy\"}".getBytes();
            if (status == 200) {
                renewed.add(env);
            }
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        backend.start();
        try {
            AgentVms vms = new AgentVms(new BackendClient(URI.create("http://127.0.0.1:" + backend.getAddress().getPort()),
                    "t"), new AgentVms.Lease("j1-", 900));
            Map<String, String> failures = vms.renewAll(List.of("j1-a", "j1-broken", "j1-gone", "j1-b"));
            assertEquals(List.of("j1-a", "j1-b"), renewed);
            assertEquals(Map.of("j1-broken", "backend busy"), failures);
        } finally {
            backend.stop(0);
        }
    }

    private static AgentVms.Spec spec(String os, String image) {
        return new AgentVms.Spec(os, image, null, 1, 512, null, 60);
    }
}
