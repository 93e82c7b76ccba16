package tt.system;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tt.api.AuditEntry;
import tt.api.EnvCreateRequest;
import tt.api.EnvInfo;
import tt.api.EnvState;
import tt.api.EnvVm;
import tt.api.GuestHostname;
import tt.api.HostStatus;
import tt.api.RunResult;
import tt.api.TokenInfo;
import tt.api.TokenRequest;
import tt.api.VmCreateRequest;
import tt.api.VmInfo;
import tt.api.VmState;
import tt.client.ApiException;
import tt.client.BackendClient;
import tt.client.HostClient;
import tt.client.UntrustedServerException;
import tt.client.ServerTrust;
import tt.testkit.BackendProcess;
import tt.testkit.HostProcess;
import tt.testkit.PostgresServer;
import tt.testkit.Checkout;
import tt.testkit.Requirements;
import tt.testkit.TinyImage;
import tt.testkit.Wait;
import tt.server.TlsIdentity;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** tt-backend over two real tt-host daemons booting real VMs (an image folder with the x86_64 image only). */
class BackendIT {

    private static final String HOST_TOKEN = "pool-host-token";
    private static final long GIB_KIB = 1024L * 1024;
    private static Path images;
    private static Path work;
    private final List<AutoCloseable> running = new ArrayList<>();

    @BeforeAll
    static void buildImage() throws IOException {
        Requirements.qemuAndRoot();
        work = Files.createDirectories(Path.of("target/it-backend").toAbsolutePath());
        images = TinyImage.x86Only(work.resolve("images"));
    }

    @AfterEach
    void stopAll() throws Exception {
        for (int i = running.size() - 1; i >= 0; i--) {
            running.get(i).close();
        }
    }

    private HostProcess host(int cpus) throws Exception {
        HostProcess h = HostProcess.start(images, work, cpus, 4 * GIB_KIB, HOST_TOKEN, List.of());
        running.add(h);
        return h;
    }

    /** A backend on a port it picks; started again on the same {@code dataDir}, the same backend restarted. */
    private BackendProcess backend(Path dataDir, List<HostProcess> hosts) throws Exception {
        return backend(dataDir, hosts, List.of());
    }

    private BackendProcess backend(Path dataDir, List<HostProcess> hosts, List<String> extraArgs) throws Exception {
        return backend(dataDir, hosts, extraArgs, Map.of());
    }

    private BackendProcess backend(Path dataDir, List<HostProcess> hosts, List<String> extraArgs,
                                   Map<String, String> env) throws Exception {
        BackendProcess b = BackendProcess.start(dataDir, hosts, HOST_TOKEN, extraArgs, env);
        running.add(b);
        return b;
    }

    private static EnvCreateRequest env(String name, int replicas, int memMib) {
        return EnvCreateRequest.builder(name).osPrefix("tinylinux").cpu(1).memMib(memMib).replicas(replicas).build();
    }

    @Test
    void theDaemonsStartQuietlyWithATimestampOnEveryLine() throws Exception {
        HostProcess a = host(2);
        BackendProcess backend = backend(work.resolve("db-" + System.nanoTime()), List.of(a));
        BackendProcess.awaitOnline(backend.client(), 1);
        for (String log : List.of(backend.log(), a.log())) {
            List<String> lines = log.lines().toList();
            assertTrue(lines.stream().allMatch(l -> l.matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} [A-Z]+ .*")
                    || l.startsWith("\t") || l.isBlank()), "every line has its time: " + log);
            // tt-host's checks of its capacity flags against this machine (e.g. --disk-total over the
            // free disk) depend on the machine, not on the code: they are left out
            assertEquals(List.of(), lines.stream().filter(l -> l.matches("\\S+ \\S+ (WARN|ERROR) .*"))
                            .filter(l -> !l.contains(" WARN HostDaemon - --")).toList(),
                    "a start of a host and of its backend warns of nothing but the machine's own limits");
        }
    }

    @Test
    void anEnvIsSpreadOverTwoHostsRunsACommandEverywhereAndIsDeletedCompletely() throws Exception {
        HostProcess a = host(2);
        HostProcess b = host(2);
        BackendClient client = backend(work.resolve("db-" + System.nanoTime()), List.of(a, b)).client();
        BackendProcess.awaitOnline(client, 2);
        assertTrue(client.status().images().contains(TinyImage.X86_64));

        EnvInfo created = client.createEnv(EnvCreateRequest.builder("TEST").osPrefix("TinyLinux", "tinylinux1").cpu(1)
                .memMib(256).lifetimeMinutes(30).replicas(2).build());
        assertEquals(2, created.vms().size());
        assertTrue(created.vms().stream().allMatch(v -> v.state() == VmState.SCHEDULED), created.toString());
        assertEquals(EnvState.CREATING, created.state());
        EnvInfo ready = client.env("TEST", 120);
        assertEquals(EnvState.READY, ready.state(), ready.toString());
        Set<String> hosts = ready.vms().stream().map(EnvVm::host).collect(Collectors.toSet());
        assertEquals(2, hosts.size(), "spread over both hosts: " + hosts);
        assertEquals(List.of("TEST-tinylinux-1-0-x86_64-1", "TEST-tinylinux-1-0-x86_64-2"),
                ready.vms().stream().map(EnvVm::name).sorted().toList());
        assertTrue(ready.expiresAt().isAfter(ready.createdAt().plusSeconds(29 * 60)));

        List<RunResult> results = client.run("TEST", "hostname; uname -m", 30);
        assertEquals(2, results.size());
        for (RunResult r : results) {
            assertEquals(0, r.exitCode(), r.toString());
            assertEquals(GuestHostname.of(r.vm()) + "\nx86_64\n", r.stdout(), "the guest's hostname is its VM's name");
        }
        assertEquals(EnvState.STOPPED, client.stopEnv("TEST").state());
        assertTrue(client.run("TEST", "true", 5).stream().allMatch(r -> r.exitCode() == -1 && r.error().contains("STOPPED")));
        assertEquals(EnvState.READY, client.startEnv("TEST").state());

        List<RunResult> streamed = new ArrayList<>();
        client.runStreamed("TEST", "echo streamed", 30, streamed::add);
        assertEquals(2, streamed.size());
        assertTrue(streamed.stream().allMatch(r -> r.exitCode() == 0 && r.stdout().equals("streamed\n")));
        assertEquals(1, a.client().vms().size());
        assertEquals(1, b.client().vms().size());

        client.deleteEnv("TEST");
        assertEquals(List.of(), client.envs());
        assertEquals(List.of(), a.client().vms());
        assertEquals(List.of(), b.client().vms());
        assertEquals(404, assertThrows(ApiException.class, () -> client.env("TEST", 0)).status());
    }

    @Test
    void anEnvThePoolCannotFitIsRefusedAndNothingIsCreated() throws Exception {
        HostProcess a = host(2);
        HostProcess b = host(2);
        BackendProcess backend = backend(work.resolve("db-" + System.nanoTime()), List.of(a, b));
        BackendClient client = backend.client();
        BackendProcess.awaitOnline(client, 2);
        ApiException e = assertThrows(ApiException.class, () -> client.createEnv(env("BIG", 5, 256)));
        assertEquals(409, e.status());
        assertTrue(e.getMessage().contains("after placing 4 of 5 VMs"), e.getMessage());
        assertEquals(List.of(), client.envs());
        assertEquals(List.of(), a.client().vms());
        assertEquals(List.of(), b.client().vms());

        assertEquals(400, assertThrows(ApiException.class, () -> client.createEnv(
                EnvCreateRequest.builder("x;y").osPrefix("tiny").build())).status());
        ApiException noMatch = assertThrows(ApiException.class, () -> client.createEnv(
                EnvCreateRequest.builder("W").osPrefix("windows").build()));
        assertTrue(noMatch.getMessage().contains("matches no image"), noMatch.getMessage());
        for (HostProcess h : List.of(a, b)) {
            h.client().createVm(new VmCreateRequest("CLASH-tinylinux-1-0-x86_64", TinyImage.X86_64, 1, 256, null,
                    null, null, null));
        }
        client.createEnv(env("CLASH", 1, 256));
        EnvInfo clash = client.env("CLASH", 60);
        assertEquals(EnvState.FAILED, clash.state());
        assertTrue(clash.vms().get(0).error().contains("did not make it: a VM named 'CLASH-tinylinux-1-0-x86_64'"
                + " exists on this host"), clash.vms().get(0).error());
        client.deleteEnv("CLASH");
        for (HostProcess h : List.of(a, b)) {
            assertEquals(1, h.client().vms().size(), "only the VM made directly is left");
            h.client().deleteVm(h.client().vms().get(0).id());
        }

        ApiException small = assertThrows(ApiException.class, () -> client.createEnv(env("SMALL", 1, 128)));
        assertEquals(400, small.status());
        assertTrue(small.getMessage().contains("needs at least 256 MiB"), small.getMessage());
        BackendClient anonymous = backend.client(null);
        assertEquals(401, assertThrows(ApiException.class, anonymous::status).status());
        assertEquals(401, assertThrows(ApiException.class, anonymous::envs).status());
        assertEquals(401, assertThrows(ApiException.class, () -> anonymous.createEnv(env("X", 1, 256))).status());
        assertEquals(401, assertThrows(ApiException.class, () -> anonymous.deleteEnv("X")).status());
    }

    @Test
    void usersSeeOnlyTheirOwnEnvsAndOnlyTheAdminManagesTokensAndHosts() throws Exception {
        HostProcess a = host(2);
        BackendProcess backend = backend(work.resolve("db-" + System.nanoTime()), List.of(a));
        BackendClient admin = backend.client();
        BackendProcess.awaitOnline(admin, 1);
        TokenInfo aliceToken = admin.createToken("alice");
        TokenInfo bobToken = admin.createToken("bob");
        assertTrue(aliceToken.token().startsWith("tt_"));
        assertEquals(List.of("alice", "bob"), admin.tokens().stream().map(TokenInfo::name).toList());
        assertTrue(admin.tokens().stream().allMatch(t -> t.token() == null), "secrets are never listed again");
        assertEquals(409, assertThrows(ApiException.class, () -> admin.createToken("alice")).status());

        BackendClient alice = backend.client(aliceToken.token());
        BackendClient bob = backend.client(bobToken.token());
        alice.createEnv(env("MINE", 1, 256));
        assertEquals("alice", alice.env("MINE", 120).owner());
        assertEquals(List.of(), bob.envs());
        assertEquals(404, assertThrows(ApiException.class, () -> bob.env("MINE", 0)).status());
        assertEquals(404, assertThrows(ApiException.class, () -> bob.deleteEnv("MINE")).status());
        assertEquals(404, assertThrows(ApiException.class, () -> bob.run("MINE", "true", 5)).status());
        assertEquals(1, admin.envs().size(), "the admin sees every ENV");
        assertEquals(403, assertThrows(ApiException.class, () -> bob.createToken("mallory")).status());
        assertEquals(403, assertThrows(ApiException.class, () -> bob.addHost("127.0.0.1", 1)).status());
        assertEquals(403, assertThrows(ApiException.class, () -> bob.deleteHost("127.0.0.1:" + a.port())).status());
        assertEquals(1, bob.status().hosts().size(), "users may read the pool's status");

        admin.revokeToken("alice");
        assertEquals(401, assertThrows(ApiException.class, alice::envs).status());
        admin.deleteEnv("MINE");
        assertEquals(List.of(), a.client().vms());
    }

    @Test
    void narrowTokensAreRefusedWhatTheyMayNotDoAndEveryChangeIsAudited() throws Exception {
        HostProcess a = host(2);
        BackendProcess backend = backend(work.resolve("db-" + System.nanoTime()), List.of(a));
        BackendClient admin = backend.client();
        BackendProcess.awaitOnline(admin, 1);
        BackendClient reader = backend.client(admin.createToken(new TokenRequest("rita", "read-only", null,
                null, null, null)).token());
        BackendClient bot = backend.client(admin.createToken(new TokenRequest("bot", "envs", 1, 512, 30,
                60)).token());

        ApiException readOnly = assertThrows(ApiException.class, () -> reader.createEnv(env("R", 1, 256)));
        assertEquals(403, readOnly.status());
        assertEquals("the token of rita is read-only: it may not POST /api/v1/envs", readOnly.getMessage());
        assertEquals(1, reader.status().hosts().size(), "reading is allowed");
        ApiException envsOnly = assertThrows(ApiException.class, () -> bot.createToken("mallory"));
        assertEquals(403, envsOnly.status());
        assertTrue(envsOnly.getMessage().contains("may only use ENVs"), envsOnly.getMessage());
        ApiException overQuota = assertThrows(ApiException.class, () -> bot.createEnv(env("TWO", 2, 256)));
        assertEquals(403, overQuota.status());
        assertTrue(overQuota.getMessage().contains("may hold at most 1 VMs"), overQuota.getMessage());
        assertEquals(List.of(), admin.envs(), "a refused ENV is not made");
        EnvInfo ok = bot.createEnv(env("ONE", 1, 256));
        assertTrue(ok.expiresAt().isBefore(ok.createdAt().plus(Duration.ofMinutes(31))),
                "no lifetime asked: the token's longest (30 minutes)");
        bot.deleteEnv("ONE");

        List<AuditEntry> log = admin.audit(60, "bot", 100);
        assertTrue(log.stream().anyMatch(e -> e.method().equals("POST") && e.path().equals("/api/v1/envs")
                && e.status() == 202 && e.address().equals("127.0.0.1")), log.toString());
        assertTrue(log.stream().anyMatch(e -> e.method().equals("DELETE") && e.path().equals("/api/v1/envs/ONE")
                && e.status() == 204), log.toString());
        assertTrue(log.stream().anyMatch(e -> e.path().equals("/api/v1/envs") && e.status() == 403),
                "refused changes are recorded too: " + log);
        assertEquals(403, assertThrows(ApiException.class, () -> bot.audit(60, null, 10)).status(),
                "only the admin reads the audit log");

        HttpURLConnection openApi = ServerTrust.pinned(backend.fingerprint())
                .open(URI.create(backend.baseUri() + "/api/v1/openapi.json"));
        assertEquals(200, openApi.getResponseCode(), "the API's description needs no token");
        assertTrue(new String(openApi.getInputStream().readAllBytes(), StandardCharsets.UTF_8).contains("\"/api/v1/envs\""));
    }

    @Test
    void overHttpsClientsPinTheBackendAndTheHostsServeOnlyTheBackendsTheyWereJoinedTo() throws Exception {
        HostProcess a = host(2);
        BackendProcess first = backend(work.resolve("db-" + System.nanoTime()), List.of(a));
        BackendClient admin = first.client();
        BackendProcess.awaitOnline(admin, 1);
        assertTrue(first.baseUri().startsWith("https://") && a.baseUri().startsWith("https://"));
        assertEquals(List.of(first.fingerprint()), Files.readAllLines(a.stateDir().resolve("joined-backends")).stream()
                .filter(l -> !l.startsWith("#")).toList(), "the backend of this machine joined the host by itself");

        UntrustedServerException wrongPin = assertThrows(UntrustedServerException.class,
                () -> new BackendClient(URI.create(first.baseUri()), first.token(), ServerTrust.pinned(a.fingerprint()))
                        .createEnv(env("NEVER", 1, 256)));
        assertEquals(first.fingerprint(), wrongPin.seen());
        assertEquals(List.of(), admin.envs(), "nothing was sent to a server with another certificate");

        ApiException stolenToken = assertThrows(ApiException.class, () -> new HostClient(URI.create(a.baseUri()),
                HOST_TOKEN, ServerTrust.pinned(a.fingerprint())).createVm(new VmCreateRequest("x", TinyImage.X86_64, 1,
                256, null, null, null, null)));
        assertEquals(403, stolenToken.status());
        assertTrue(stolenToken.getMessage().contains("serves only the tt-backends it was joined to"),
                stolenToken.getMessage());

        // a second backend, as if on another machine: it does not see the host's published join token
        Path elsewhere = Files.createDirectories(work.resolve("elsewhere-" + System.nanoTime()));
        Path secondData = work.resolve("db-" + System.nanoTime());
        BackendProcess second = backend(secondData, List.of(a), List.of(),
                Map.of("XDG_STATE_HOME", elsewhere.toString()));
        BackendClient other = second.client();
        Wait.until("the unjoined host's reason", Duration.ofSeconds(30), () -> other.status().hosts().stream()
                .anyMatch(h -> h.error() != null && !h.error().equals("not polled yet")));
        HostStatus unjoined = other.status().hosts().get(0);
        assertFalse(unjoined.online());
        assertTrue(unjoined.error().startsWith("not joined to this backend yet: give the host's join token, tt host add"
                + " 127.0.0.1:" + a.port() + " --join-token TOKEN"), unjoined.error());
        TlsIdentity secondIdentity = TlsIdentity.fromFiles(secondData.resolve("tls/cert.pem"),
                secondData.resolve("tls/key.pem"));
        ApiException notJoined = assertThrows(ApiException.class, () -> new HostClient(URI.create(a.baseUri()),
                HOST_TOKEN, ServerTrust.pinned(a.fingerprint()).presenting(secondIdentity.keyManagers())).vms());
        assertEquals(403, notJoined.status());
        assertTrue(notJoined.getMessage().contains("joined to another tt-backend (" + first.fingerprint()
                + "), not to the one calling (" + secondIdentity.fingerprint() + ")"), notJoined.getMessage());

        String joinToken = Files.readString(a.stateDir().resolve("join-token")).strip();
        String forged = "A" + joinToken.substring(1);
        ApiException wrongToken = assertThrows(ApiException.class,
                () -> other.addHost("127.0.0.1", a.port(), false, forged));
        assertTrue(wrongToken.getMessage().contains("wrong or used join token"), wrongToken.getMessage());
        assertTrue(other.addHost("127.0.0.1", a.port(), false, joinToken).online(), "joined with the host's token");
        ApiException used = assertThrows(ApiException.class, () -> second.client().addHost("127.0.0.1", a.port(), false,
                joinToken));
        assertTrue(used.getMessage().contains("wrong or used join token"), used.getMessage());
        assertEquals(List.of(first.fingerprint(), secondIdentity.fingerprint()), Files.readAllLines(
                a.stateDir().resolve("joined-backends")).stream().filter(l -> !l.startsWith("#")).toList());
        BackendProcess.awaitOnline(other, 1);
        BackendProcess.awaitOnline(admin, 1);
    }

    @Test
    void anAddressThatFailsToAuthenticateTenTimesInAMinuteGets429ForItsFailuresButItsRightTokenIsServed()
            throws Exception {
        HostProcess a = host(2);
        BackendProcess backend = backend(work.resolve("db-" + System.nanoTime()), List.of(a));
        for (int i = 0; i < 10; i++) {
            assertEquals(401, assertThrows(ApiException.class, () -> backend.client("guess").envs()).status());
        }
        ApiException throttled = assertThrows(ApiException.class, () -> backend.client("guess").envs());
        assertEquals(429, throttled.status(), throttled.getMessage());
        assertTrue(throttled.getMessage().startsWith("unknown or revoked API token: ask your TT admin for a token (the"
                + " token is refused; too many failed logins from 127.0.0.1: its failed attempts get 429 for "),
                throttled.getMessage());
        assertEquals(List.of(), backend.client().envs(), "the right token is served");
    }

    @Test
    void aScraperWithTheMetricsTokenSeesThePoolTheEnvsTheBootsAndTheApiLatency() throws Exception {
        HostProcess a = host(2);
        Path dataDir = work.resolve("db-" + System.nanoTime());
        BackendProcess backend = backend(dataDir, List.of(a));
        BackendClient client = backend.client();
        BackendProcess.awaitOnline(client, 1);
        client.createEnv(env("M", 1, 256));
        assertEquals(EnvState.READY, client.env("M", 120).state());

        Map<String, Double> pool = scrape(backend.baseUri(), backend.fingerprint(), dataDir.resolve("metrics-token"));
        assertEquals(1.0, pool.get("tt_hosts_online"), pool.toString());
        assertEquals(1.0, pool.get("tt_env_creations_total"), pool.toString());
        assertEquals(1.0, pool.get("tt_vms{state=\"READY\"}"), pool.toString());
        assertTrue(pool.keySet().stream().anyMatch(k -> k.startsWith("http_server_requests_seconds_count{")
                && k.contains("method=\"POST\"") && k.contains("uri=\"/api/v1/envs\"")), pool.keySet().toString());
        Map<String, Double> host = scrape(a.baseUri(), a.fingerprint(), a.stateDir().resolve("metrics-token"));
        assertEquals(1.0, host.get("tt_host_vms{state=\"READY\"}"), host.toString());
        assertTrue(host.entrySet().stream().anyMatch(e -> e.getKey().startsWith("tt_vm_boot_seconds_count{")
                && e.getKey().contains("image=\"" + TinyImage.X86_64 + "\"") && e.getValue() == 1.0), host.toString());
        assertTrue(host.entrySet().stream().filter(e -> e.getKey().startsWith("tt_vm_boot_seconds_bucket{")
                && e.getKey().contains("image=\"" + TinyImage.X86_64 + "\"")).filter(e -> e.getValue() == 1.0).count() > 1,
                "the boot time is a histogram: its boot falls in the +Inf bucket and in smaller ones " + host.keySet());

        HttpURLConnection withApiToken = ServerTrust.pinned(backend.fingerprint())
                .open(URI.create(backend.baseUri() + "/metrics"));
        withApiToken.setRequestProperty("Authorization", "Bearer " + backend.token());
        assertEquals(401, withApiToken.getResponseCode(), "the API token is not the metrics token");
    }

    /** The samples of a Prometheus text scrape, by name and labels. */
    private static Map<String, Double> scrape(String baseUri, String fingerprint, Path tokenFile) throws IOException {
        HttpURLConnection c = ServerTrust.pinned(fingerprint).open(URI.create(baseUri + "/metrics"));
        c.setRequestProperty("Authorization", "Bearer " + Files.readString(tokenFile).strip());
        assertEquals(200, c.getResponseCode());
        return new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
                .filter(l -> !l.startsWith("#") && !l.isBlank())
                .collect(Collectors.toMap(l -> l.substring(0, l.lastIndexOf(' ')),
                        l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))));
    }

    @Test
    void twentyParallelCreatesOnAPoolThatFitsTenGiveExactlyTen() throws Exception {
        HostProcess a = host(5);
        HostProcess b = host(5);
        BackendClient client = backend(work.resolve("db-" + System.nanoTime()), List.of(a, b)).client();
        BackendProcess.awaitOnline(client, 2);
        ExecutorService pool = Executors.newFixedThreadPool(20);
        List<Future<Integer>> outcomes = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String name = "race" + i;
            outcomes.add(pool.submit(() -> {
                try {
                    client.createEnv(env(name, 1, 256));
                    return 202;
                } catch (ApiException e) {
                    return e.status();
                }
            }));
        }
        int ok = 0;
        int refused = 0;
        for (Future<Integer> f : outcomes) {
            int status = f.get();
            if (status == 202) {
                ok++;
            } else if (status == 409) {
                refused++;
            }
        }
        pool.shutdown();
        assertEquals(10, ok);
        assertEquals(10, refused);
        assertEquals(10, client.envs().size());
        for (EnvInfo e : client.envs()) {
            assertEquals(EnvState.READY, client.env(e.name(), 120).state(), e.name());
        }
        assertEquals(10, a.client().vms().size() + b.client().vms().size());
        for (EnvInfo e : client.envs()) {
            client.deleteEnv(e.name());
        }
        assertEquals(0, a.client().vms().size() + b.client().vms().size(), "a delete returns once its VMs are gone");
    }

    @Test
    void aDeleteRightAfterTheCreateReturnsWithEveryVmGone() throws Exception {
        HostProcess a = host(4);
        BackendClient client = backend(work.resolve("db-" + System.nanoTime()), List.of(a)).client();
        BackendProcess.awaitOnline(client, 1);
        for (int round = 0; round < 3; round++) {
            client.createEnv(env("QUICK", 3, 256));
            client.deleteEnv("QUICK");
            assertEquals(List.of(), a.client().vms(), "round " + round + ": the VMs the host was making are gone too");
        }
    }

    @Test
    void aKilledHostsVmsAreReportedLostAndTheOtherHostCarriesOn() throws Exception {
        HostProcess a = host(2);
        HostProcess b = host(2);
        BackendClient client = backend(work.resolve("db-" + System.nanoTime()), List.of(a, b)).client();
        BackendProcess.awaitOnline(client, 2);
        client.createEnv(env("HALF", 2, 256));
        assertEquals(EnvState.READY, client.env("HALF", 120).state());
        b.killDaemon();
        Wait.until("host b offline and its VM lost", Duration.ofSeconds(30), () -> client.env("HALF", 0).vms().stream()
                .anyMatch(v -> v.state() == VmState.FAILED && v.error() != null && v.error().contains("lost")));
        EnvInfo half = client.env("HALF", 0);
        assertEquals(EnvState.FAILED, half.state());
        List<RunResult> results = client.run("HALF", "echo alive", 30);
        assertEquals(1, results.stream().filter(r -> r.exitCode() == 0 && r.stdout().equals("alive\n")).count());
        RunResult lost = results.stream().filter(r -> r.exitCode() != 0).findFirst().orElseThrow();
        assertNotNull(lost.error());
        assertTrue(client.status().hosts().stream().anyMatch(h -> !h.online()));
        client.deleteEnv("HALF");
        assertEquals(List.of(), a.client().vms());
    }

    @Test
    void envsSurviveABackendKilledAndRestarted() throws Exception {
        killedBackendKeepsItsEnvs(List.of());
    }

    @Test
    void aBackendKilledWhileCreatingKeepsTheEnvAndLeavesNothingHalfMade() throws Exception {
        HostProcess a = host(4);
        Path db = work.resolve("db-" + System.nanoTime());
        BackendProcess first = backend(db, List.of(a));
        BackendProcess.awaitOnline(first.client(), 1);
        first.client().createEnv(env("CUT", 3, 256));
        first.kill();

        BackendClient again = backend(db, List.of(a)).client();
        BackendProcess.awaitOnline(again, 1);
        EnvInfo cut = again.env("CUT", 0);
        List<EnvVm> interrupted = cut.vms().stream().filter(v -> v.state() == VmState.FAILED).toList();
        interrupted.forEach(v -> assertTrue(v.error().contains("interrupted by a restart"),
                "an interrupted VM says why: " + v));
        Wait.until("the host runs only the VMs the backend recorded", Duration.ofSeconds(60),
                () -> a.client().vms().size() == cut.vms().size() - interrupted.size());
        if (interrupted.isEmpty()) {
            assertEquals(EnvState.READY, again.env("CUT", 120).state(), "an ENV made before the kill is kept whole");
        }
        again.deleteEnv("CUT");
        Wait.until("nothing left on the host", Duration.ofSeconds(60), () -> a.client().vms().isEmpty());
    }

    @Test
    void thePostgresqlStoreWorksTheSameWay() throws Exception {
        Optional<Path> bin = PostgresServer.installedBin();
        assumeTrue(bin.isPresent(), "Debian's postgresql package is not installed: run images/setup-deps.sh");
        try (PostgresServer pg = PostgresServer.start(bin.get(), work.resolve("pg-" + System.nanoTime()))) {
            killedBackendKeepsItsEnvs(List.of("--db-url", pg.jdbcUrl(), "--db-user", pg.user()));
            stopAll();
            running.clear();
        }
    }

    private void killedBackendKeepsItsEnvs(List<String> dbArgs) throws Exception {
        HostProcess a = host(3);
        Path db = work.resolve("db-" + System.nanoTime());
        BackendProcess first = backend(db, List.of(a), dbArgs);
        BackendProcess.awaitOnline(first.client(), 1);
        first.client().createEnv(env("KEEP", 1, 256));
        assertEquals(EnvState.READY, first.client().env("KEEP", 120).state());
        first.kill();
        String owner = a.client().vms().get(0).tags().get("ttOwner");
        VmInfo leftover = a.client().createVm(new VmCreateRequest("leftover", TinyImage.X86_64, 1, 256, null, null, null,
                Map.of("ttEnv", "env-gone", "ttOwner", owner)));
        VmInfo others = a.client().createVm(new VmCreateRequest("others", TinyImage.X86_64, 1, 256, null, null, null,
                Map.of("ttEnv", "env-of-another-service", "ttOwner", "tt-another")));

        BackendClient again = backend(db, List.of(a), dbArgs).client();
        BackendProcess.awaitOnline(again, 1);
        Wait.until("the backend's VM of no ENV deleted by the restarted backend", Duration.ofSeconds(30),
                () -> a.client().vms().stream().noneMatch(v -> v.id().equals(leftover.id())));
        EnvInfo kept = again.env("KEEP", 0);
        assertEquals(EnvState.READY, kept.state());
        assertEquals(0, again.run("KEEP", "true", 30).get(0).exitCode());
        again.deleteEnv("KEEP");
        assertEquals(List.of(others.id()), a.client().vms().stream().map(VmInfo::id).toList(),
                "another ENV service's VM is left alone");
        a.client().deleteVm(others.id());
    }
}
