package tt.system;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import tt.api.VmCreateRequest;
import tt.api.VmInfo;
import tt.api.VmState;
import tt.client.HostClient;
import tt.jenkins.AgentBootstrap;
import tt.jenkins.AgentKeys;
import tt.jenkins.AgentNames;
import tt.jenkins.AgentVms;
import tt.jenkins.OrphanPlanner;
import tt.jenkins.TtLabel;
import tt.testkit.DebianImages;
import tt.testkit.EchoAgent;
import tt.testkit.HostProcess;
import tt.testkit.Checkout;
import tt.testkit.Requirements;
import tt.testkit.TinyImage;
import tt.testkit.TinyPool;
import tt.testkit.Wait;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Jenkins agent bootstrap against a real VM of the tiny image (which has a JRE): a fresh key
 * pair put in at create time, SSH retried until the guest answers, Java checked, a jar uploaded,
 * started, and bytes exchanged over its stdin and stdout; then the same through tt-backend as the
 * Jenkins cloud does it (an ENV per agent, made by OS prefix), and the orphan sweep; and an agent
 * on the Debian 12 image with the image's own Java (Debian's openjdk-17-jre-headless).
 */
class AgentBootstrapIT {

    private static final AgentVms.Spec TINY_AGENT = new AgentVms.Spec(
            TtLabel.parse("tt-tinylinux").orElseThrow().osPrefix(), null, null, 1, 512, null, 30);

    @Test
    void uploadsStartsAndTalksToAJarInARealVm() throws Exception {
        Requirements.qemuAndRoot();
        Path work = Files.createDirectories(Path.of("target/agent-bootstrap").toAbsolutePath());
        TinyImage.ensure(Checkout.imagePath(), TinyImage.RECIPE_X86_64, TinyImage.X86_64);
        AgentKeys keys = AgentKeys.generate("jenkins-agent");
        try (HostProcess host = HostProcess.start(Checkout.imagePath(), work, 1, 1024L * 1024,
                "agent-test", List.of())) {
            HostClient client = host.client();
            VmInfo vm = client.createVm(new VmCreateRequest("agent1", TinyImage.X86_64, 1, 512, null,
                    List.of(keys.publicKey()), null, null));
            ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
            PrintStream log = new PrintStream(logBytes, true, StandardCharsets.UTF_8);
            AgentBootstrap bootstrap = new AgentBootstrap(keys.privateKey(), Duration.ofSeconds(120));
            AgentBootstrap.Target target = new AgentBootstrap.Target(vm.address(), vm.sshPort(), "root");

            try (AgentBootstrap.RunningAgent agent = bootstrap.launch(target, EchoAgent.jar(0), "/root/agent", "-Xmx64m",
                    log)) {
                BufferedReader out = new BufferedReader(new InputStreamReader(agent.stdout(), StandardCharsets.UTF_8));
                assertEquals("ready 17", out.readLine().replaceAll("^ready (17)\\S*.*$", "ready $1"));
                agent.stdin().write("hello agent\n".getBytes(StandardCharsets.UTF_8));
                agent.stdin().flush();
                assertEquals("echo: hello agent", out.readLine());
                agent.stdin().close();
                Wait.until("the agent ends when its stdin closes", Duration.ofSeconds(20), () -> !agent.isRunning());
            }
            String text = logBytes.toString(StandardCharsets.UTF_8);
            assertTrue(text.contains("tt: SSH to ") && text.contains("tt: uploaded agent.jar"), text);
            assertTrue(text.contains("tt: Java in the VM: 17."), text);

            assertThrows(IllegalArgumentException.class,
                    () -> bootstrap.launch(target, EchoAgent.jar(0), "/root/agent; reboot", "", log));
            assertThrows(IllegalArgumentException.class,
                    () -> bootstrap.launch(target, EchoAgent.jar(0), "/root/agent", "-Xmx64m $(reboot)", log));
            assertEquals(VmState.READY, client.vm(vm.id()).state(), "the refused launches did nothing to the VM");
            client.deleteVm(vm.id());
            assertFalse(client.vms().stream().anyMatch(v -> v.id().equals(vm.id())));
        }
    }

    @Test
    void aJenkinsAgentRunsOnTheDebianImageWithDebiansJava() throws Exception {
        Requirements.qemuAndRoot();
        DebianImages.Recipe debian = DebianImages.DEBIAN_12_X86_64;
        Path image = DebianImages.built(debian).orElse(null);
        assumeTrue(image != null, DebianImages.missing(debian));
        Path work = Files.createDirectories(Path.of("target/agent-bootstrap-debian").toAbsolutePath());
        Path images = Files.createDirectories(work.resolve("images-" + ProcessHandle.current().pid()));
        DebianImages.linkInto(images, image);
        AgentKeys keys = AgentKeys.generate("jenkins-agent");
        // TCG: a Debian boot takes a minute or more, longer while other tests use the CPUs
        try (HostProcess host = HostProcess.start(images, work, 1, 2048L * 1024, "agent-debian",
                List.of("--snapshots", "off", "--boot-timeout", "900"))) {
            HostClient client = host.client();
            VmInfo vm = client.createVm(new VmCreateRequest("agent-debian", debian.image(), 1, 1024, null,
                    List.of(keys.publicKey()), null, null));
            Wait.until("the Debian VM ready", Duration.ofMinutes(16), () -> {
                VmInfo now = client.vm(vm.id());
                if (now.state() == VmState.FAILED) {
                    throw new AssertionError("the VM failed: " + now.error());
                }
                return now.state() == VmState.READY;
            });
            ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
            PrintStream log = new PrintStream(logBytes, true, StandardCharsets.UTF_8);
            AgentBootstrap bootstrap = new AgentBootstrap(keys.privateKey(), Duration.ofSeconds(120));
            AgentBootstrap.Target target = new AgentBootstrap.Target(vm.address(), vm.sshPort(), "root");
            try (AgentBootstrap.RunningAgent agent = bootstrap.launch(target, EchoAgent.jar(0), "/home/jenkins/agent",
                    "-Xmx128m", log)) {
                BufferedReader out = new BufferedReader(new InputStreamReader(agent.stdout(), StandardCharsets.UTF_8));
                String ready = out.readLine();
                assertEquals("ready 17", ready == null ? null : ready.replaceAll("^ready (17)\\S*.*$", "ready $1"),
                        logBytes.toString(StandardCharsets.UTF_8));
                agent.stdin().write("hello debian\n".getBytes(StandardCharsets.UTF_8));
                agent.stdin().flush();
                assertEquals("echo: hello debian", out.readLine());
                agent.stdin().close();
                Wait.until("the agent ends when its stdin closes", Duration.ofSeconds(60), () -> !agent.isRunning());
            }
            String text = logBytes.toString(StandardCharsets.UTF_8);
            // found through /usr/bin/java -> /etc/alternatives -> /usr/lib/jvm/java-17-openjdk-amd64/release
            assertTrue(text.contains("tt: Java in the VM: 17."), text);
            assertTrue(text.contains("tt: uploaded agent.jar"), text);
            client.deleteVm(vm.id());
            assertFalse(client.vms().stream().anyMatch(v -> v.id().equals(vm.id())));
        }
    }

    /**
     * A VM restored from the tiny image's snapshot has a JVM started before the snapshot: an agent
     * with the default folder and options runs in it (loaded by its URLClassLoader, its stderr in the
     * launch log), any other gets a new JVM, and so does the next agent once that JVM was used.
     */
    @Test
    void anAgentRunsInTheJvmARestoredVmStartedBeforeItsSnapshot() throws Throwable {
        try (TinyPool pool = TinyPool.start(Path.of("target/agent-prestarted").toAbsolutePath(), 2, 2048L * 1024)) {
            AgentVms vms = new AgentVms(pool.client());
            AgentKeys keys = AgentKeys.generate("jenkins-agent");
            String cold = AgentNames.envName("0123abcd-jenkins", "tt-tinylinux", 1);
            vms.create(cold, TINY_AGENT, keys.publicKey());
            vms.awaitReady(cold, Duration.ofSeconds(180));
            vms.delete(cold);
            Wait.until("the tiny image's snapshot built", Duration.ofMinutes(10),
                    () -> pool.host().log().contains(" built: booted to its agent"));
            String envName = AgentNames.envName("0123abcd-jenkins", "tt-tinylinux", 2);
            vms.create(envName, TINY_AGENT, keys.publicKey());
            AgentVms.ReadyVm vm = vms.awaitReady(envName, Duration.ofSeconds(180));
            String hostVmId = pool.client().env(envName, 0).vms().get(0).hostVmId();
            assertTrue(pool.host().log().contains("vm " + hostVmId + ": restored from snapshot"), pool.host().log());
            AgentBootstrap bootstrap = new AgentBootstrap(keys.privateKey(), Duration.ofSeconds(60));
            HostClient host = pool.host().client();
            assertEquals("T", host.exec(hostVmId, "cut -d' ' -f3 /proc/$(cat /run/tt-jvm/pid)/stat", 30).stdout().strip(),
                    "the pre-started JVM waits stopped, costing an idle VM no CPU");

            Map<String, String> newJvmEnv = new TreeMap<>();
            String log = echo(bootstrap, vm, "-Xmx64m", "AppClassLoader",
                    () -> newJvmEnv.putAll(environment(host, hostVmId, "-Xmx64m")));
            assertTrue(log.contains("tt: the VM's pre-started JVM runs in /root/agent with '"
                    + AgentBootstrap.DEFAULT_JVM_OPTIONS + "', this agent in /root/agent with '-Xmx64m'; starting a new"
                    + " JVM"), log);
            Map<String, String> preStartedEnv = new TreeMap<>();
            log = echo(bootstrap, vm, AgentBootstrap.DEFAULT_JVM_OPTIONS, "URLClassLoader",
                    () -> preStartedEnv.putAll(environment(host, hostVmId, "tt-jvm.jar")));
            assertTrue(log.contains(", in the VM's pre-started JVM"), log);
            newJvmEnv.keySet().removeIf(name -> name.startsWith("SSH_"));
            assertEquals(newJvmEnv, preStartedEnv, "the agent's builds inherit the environment an SSH login gives");
            log = echo(bootstrap, vm, AgentBootstrap.DEFAULT_JVM_OPTIONS, "AppClassLoader", () -> { });
            assertFalse(log.contains("pre-started JVM"), "the used JVM is gone, and its ready file with it: " + log);
            vms.delete(envName);

            String unused = AgentNames.envName("0123abcd-jenkins", "tt-tinylinux", 3);
            vms.create(unused, TINY_AGENT, keys.publicKey());
            vms.awaitReady(unused, Duration.ofSeconds(180));
            String unusedVmId = pool.client().env(unused, 0).vms().get(0).hostVmId();
            String expiry = host.exec(unusedVmId, "p=$(cat /run/tt-jvm/pid); TT_JVM_IDLE_SECONDS=1 tt-jvm expire;"
                    + " tail -n 1 /run/tt-jvm.log; ls /run/tt-jvm; while kill -0 $p 2>/dev/null; do sleep 0.1; done; echo gone",
                    60).stdout();
            assertEquals("tt-jvm: no jar ran in 1 s: JVM ended\nexpired\npid\ngone\n", expiry,
                    "an unused pre-started JVM ends, its ready file taken");
            vms.delete(unused);
        }
    }

    /**
     * Starts the echo agent, checks its loader, its stderr in the log and one echo, and runs
     * {@code whileRunning} before it ends; returns the launch log.
     */
    private static String echo(AgentBootstrap bootstrap, AgentVms.ReadyVm vm, String options, String loader,
            Executable whileRunning) throws Throwable {
        ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
        PrintStream log = new PrintStream(logBytes, true, StandardCharsets.UTF_8);
        try (AgentBootstrap.RunningAgent agent = bootstrap.launch(vm.ssh(), EchoAgent.jar(0), "/root/agent", options,
                log)) {
            BufferedReader out = new BufferedReader(new InputStreamReader(agent.stdout(), StandardCharsets.UTF_8));
            String first = out.readLine();
            assertTrue(first != null && first.startsWith("ready 17") && first.endsWith(" loader=" + loader),
                    first + "\n" + logBytes.toString(StandardCharsets.UTF_8));
            agent.stdin().write("ping\n".getBytes(StandardCharsets.UTF_8));
            agent.stdin().flush();
            assertEquals("echo: ping", out.readLine());
            Wait.until("the agent's stderr in the launch log", Duration.ofSeconds(30),
                    () -> logBytes.toString(StandardCharsets.UTF_8).contains("echo agent started"));
            whileRunning.execute();
            agent.stdin().close();
            Wait.until("the agent ends when its stdin closes", Duration.ofSeconds(30), () -> !agent.isRunning());
        }
        return logBytes.toString(StandardCharsets.UTF_8);
    }

    /** The environment of the guest's java process whose command line has {@code marker}. */
    private static Map<String, String> environment(HostClient host, String hostVmId, String marker) throws Exception {
        String text = host.exec(hostVmId, "for p in $(pidof java); do if grep -q -e '" + marker + "' /proc/$p/cmdline;"
                + " then tr '\\0' '\\n' < /proc/$p/environ; fi; done", 30).stdout();
        Map<String, String> env = new TreeMap<>();
        text.lines().filter(line -> line.contains("=")).forEach(line ->
                env.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1)));
        assertTrue(env.containsKey("PATH"), "no environment for the java process with '" + marker + "': " + text);
        return env;
    }

    @Test
    void anAgentVmIsMadeThroughTheBackendStartedTalkedToAndSweptWhenOrphaned() throws Exception {
        try (TinyPool pool = TinyPool.start(Path.of("target/agent-vms").toAbsolutePath(), 2, 2048L * 1024)) {
            AgentVms vms = new AgentVms(pool.client());
            String prefix = AgentNames.envPrefix("0123abcd-jenkins");
            AgentKeys keys = AgentKeys.generate("jenkins-agent");
            String envName = AgentNames.envName("0123abcd-jenkins", "tt-tinylinux", 1);
            assertEquals(TinyImage.X86_64, vms.create(envName, TINY_AGENT, keys.publicKey()));

            AgentVms.ReadyVm ready = vms.awaitReady(envName, Duration.ofSeconds(180));
            assertEquals(TinyImage.X86_64, ready.image());
            ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
            PrintStream log = new PrintStream(logBytes, true, StandardCharsets.UTF_8);
            try (AgentBootstrap.RunningAgent agent = new AgentBootstrap(keys.privateKey(), Duration.ofSeconds(60))
                    .launch(ready.ssh(), EchoAgent.jar(0), "/root/agent", AgentBootstrap.DEFAULT_JVM_OPTIONS, log)) {
                BufferedReader out = new BufferedReader(new InputStreamReader(agent.stdout(), StandardCharsets.UTF_8));
                String first = out.readLine();
                assertTrue(first != null && first.startsWith("ready "), "the agent JVM did not start: " + first + "\n"
                        + logBytes.toString(StandardCharsets.UTF_8));
                // the guest's JVM took the default options (an unknown one would have stopped it)
                String hostVmId = pool.client().env(envName, 0).vms().get(0).hostVmId();
                String args = pool.host().client().exec(hostVmId, "cat /proc/$(pidof java)/cmdline | tr '\\0' ' '", 30)
                        .stdout();
                assertTrue(args.contains(AgentBootstrap.DEFAULT_JVM_OPTIONS + " "), args);
                agent.stdin().write("ping\n".getBytes(StandardCharsets.UTF_8));
                agent.stdin().flush();
                assertEquals("echo: ping", out.readLine());
            }

            String orphan = AgentNames.envName("0123abcd-jenkins", "tt-tinylinux", 2);
            vms.create(orphan, TINY_AGENT, AgentKeys.generate("orphan").publicKey());
            OrphanPlanner.Sweep sweep = OrphanPlanner.plan(prefix, vms.envs(prefix), Set.of(),
                    Map.of("tt-tinylinux-1", envName, "tt-gone-3", prefix + "gone-3"), Instant.now(), Duration.ZERO);
            assertEquals(List.of(orphan), sweep.envsToDelete());
            assertEquals(List.of("tt-gone-3"), sweep.nodesToRemove());
            assertEquals(Map.of(), vms.deleteAll(sweep.envsToDelete()));
            vms.delete(envName);
            vms.delete(envName);
            assertEquals(Map.of(), vms.envs(prefix));
            Wait.until("the host has no VM left", Duration.ofSeconds(30), () -> pool.host().client().vms().isEmpty());
            IllegalArgumentException noImage = assertThrows(IllegalArgumentException.class, () -> vms.create(
                    prefix + "x-1", new AgentVms.Spec("freebsd", null, null, 1, 512, null, 30), keys.publicKey()));
            assertTrue(noImage.getMessage().contains("'freebsd'"), noImage.getMessage());
        }
    }
}
