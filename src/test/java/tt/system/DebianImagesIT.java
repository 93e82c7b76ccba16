package tt.system;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestMethodOrder;
import tt.api.GuestHostname;
import tt.api.Json;
import tt.testkit.BackendProcess;
import tt.testkit.DebianImages;
import tt.testkit.DebianImages.Recipe;
import tt.testkit.HostProcess;
import tt.testkit.Checkout;
import tt.testkit.Requirements;
import tt.testkit.TinyImage;
import tt.testkit.TtCli;
import tt.testkit.Wait;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Debian images as a user gets them: two tt-hosts and a tt-backend started through bin/, one ENV
 * made by OS prefix ({@code tt env add DEB --os-prefix=debian}) over every Debian image built, and
 * for each VM a real OpenSSH login ({@code tt env ssh}) with the user's key, checking that it is a
 * whole Debian system personalised by the NoCloud seed disk: systemd up and nothing failed, apt,
 * Java, git, its hostname the VM's name, and its root file system grown to the --disk asked. The
 * images are built by bin/test-all (the default ones) or bin/test-all --all-images; an image that
 * is not built is an assumption failure naming the command that builds it. Guests run under TCG
 * where there is no KVM: the waits are long, and nothing here sleeps.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DebianImagesIT {

    private static final String HOST_TOKEN = "debian-hosts";
    private static final String ENV = "DEB";
    /** MiB asked for each VM's disk: more than the images' 8 GiB, so the guest must grow its root file system. */
    private static final long DISK_MIB = 10 * 1024;

    private static Path work;
    /** Two hosts: each offers 40 GiB of disk (tt-testkit's HostProcess), and every VM asks for 10 GiB. */
    private static final List<HostProcess> HOSTS = new ArrayList<>();
    private static BackendProcess backend;
    private static TtCli tt;
    private static Path key;
    private static Path images;
    private static final List<Recipe> BUILT = new ArrayList<>();
    /** The ENV's VMs by image name. */
    private static final Map<String, String> VM_BY_IMAGE = new LinkedHashMap<>();
    private static String prefixes;

    @BeforeAll
    static void pool() throws Exception {
        Requirements.qemuAndRoot();
        for (Recipe r : DebianImages.POOL) {
            DebianImages.built(r).ifPresent(dir -> BUILT.add(r));
        }
        assumeTrue(!BUILT.isEmpty(), "no Debian image is built: " + DebianImages.missing(DebianImages.DEBIAN_12_X86_64));
        work = Files.createDirectories(Path.of("target/debian-images").toAbsolutePath());
        images = work.resolve("images-" + ProcessHandle.current().pid());
        Files.createDirectories(images);
        for (Recipe r : BUILT) {
            DebianImages.linkInto(images, DebianImages.built(r).orElseThrow());
        }
        // two OS names by prefix: debian-12 and debian-13 when both are built, else the tiny image too
        prefixes = "debian";
        if (BUILT.stream().map(Recipe::os).distinct().count() < 2) {
            DebianImages.linkInto(images, TinyImage.ensure(Checkout.imagePath(), TinyImage.RECIPE_X86_64, TinyImage.X86_64));
            prefixes = "debian,tinylinux";
        }
        // no snapshots: this test is about cold boots, and building one would take the CPUs the boots need
        for (int i = 0; i < 2; i++) {
            HOSTS.add(HostProcess.start(images, work, 8, 12L * 1024 * 1024, HOST_TOKEN,
                    List.of("--snapshots", "off", "--boot-timeout", "900")));
        }
        backend = BackendProcess.start(work.resolve("backend"), HOSTS, HOST_TOKEN, List.of());
        int port = backend.port();
        BackendProcess.awaitOnline(backend.client(), HOSTS.size());
        tt = new TtCli(Files.createDirectories(work.resolve("config-" + port)));
        TtCli.Result r = tt.run("config", "--serv-addr", "127.0.0.1", "--serv-port", Integer.toString(port),
                "--token", backend.token(), "--fingerprint", backend.fingerprint());
        assertEquals(0, r.exitCode(), r.err());
        key = work.resolve("user-key-" + port);
        assertEquals(0, new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString())
                .start().waitFor());

        r = tt.run("env", "add", ENV, "--os-prefix=" + prefixes, "--disk", Long.toString(DISK_MIB), "--mem", "768",
                "--ssh-key", key + ".pub");
        assertEquals(0, r.exitCode(), "tt env add: " + r.out() + r.err() + "\nhost logs:\n" + hostLogs());
        JsonNode env = Json.mapper().readTree(tt.run("env", "show", ENV, "-o", "json").out());
        assertEquals("READY", env.get("state").asText(), env.toString());
        for (JsonNode vm : env.get("vms")) {
            VM_BY_IMAGE.put(vm.get("image").asText(), vm.get("name").asText());
        }
    }

    @AfterAll
    static void stop() throws Exception {
        List<ProcessHandle> qemus = new ArrayList<>();
        for (HostProcess h : HOSTS) {
            qemus.addAll(h.qemus());
        }
        try {
            if (tt != null && !VM_BY_IMAGE.isEmpty()) {
                TtCli.Result r = tt.run("env", "del", ENV);
                assertEquals(0, r.exitCode(), r.err());
            }
        } finally {
            if (backend != null) {
                backend.close();
            }
            for (HostProcess h : HOSTS) {
                h.close();
            }
        }
        assertTrue(qemus.stream().noneMatch(ProcessHandle::isAlive), "no VM is left running");
    }

    @TestFactory
    @Order(1)
    Stream<DynamicTest> eachImageIsARealDebianPersonalisedByTheSeedDisk() {
        return DebianImages.POOL.stream().map(r -> DynamicTest.dynamicTest(r.image(), () -> {
            assumeTrue(BUILT.contains(r), DebianImages.missing(r));
            checkVm(r, VM_BY_IMAGE.get(r.image()));
        }));
    }

    private static void checkVm(Recipe r, String vm) throws Exception {
        assertTrue(vm != null, "the ENV by OS prefix '" + prefixes + "' has a VM of " + r.image() + ": " + VM_BY_IMAGE);
        // one login; each answer on its own line, prefixed, so that a failure shows all of them
        String script = "echo \"state=$(systemctl is-system-running --wait)\"; "
                + "systemctl --failed --no-legend --plain | sed 's/^/failed=/'; "
                + "echo \"apt=$(apt-get --version | head -n1)\"; "
                + "echo \"java=$(java -version 2>&1 | head -n1)\"; "
                + "echo \"git=$(git --version)\"; "
                + "echo \"hostname=$(hostname)\"; "
                + "echo \"disk=$(lsblk -bdno SIZE /dev/vda)\"; "
                + "echo \"rootfs=$(df -B1 --output=size / | tail -n1 | tr -d ' ')\"; "
                + "echo \"image=$(cat /etc/tt-image)\"; "
                + "echo \"arch=$(uname -m)\"; "
                + "echo \"seed=$(journalctl -b -u tt-seed -u cloud-init -o cat --no-pager | tail -n 4 | tr '\\n' ' ')\"";
        TtCli.Result res = tt.run("env", "ssh", ENV, vm, "-i", key.toString(), "--cmd", script);
        String out = res.out();
        assertEquals(0, res.exitCode(), "a real OpenSSH login to " + vm + " with the user's key: " + out + res.err());
        String state = value(out, "state");
        if (!"running".equals(state)) {
            fail(vm + ": systemctl is-system-running says '" + state + "'; failed units: "
                    + out.lines().filter(l -> l.startsWith("failed=")).map(l -> l.substring(7)).toList()
                    + " (fix the image: images/lib/debian.sh)\n" + out);
        }
        assertTrue(value(out, "apt").startsWith("apt "), out);
        String javaVersion = r.os().startsWith("debian-12") ? "17" : "21";
        assertTrue(value(out, "java").startsWith("openjdk version \"" + javaVersion), out);
        assertTrue(value(out, "git").startsWith("git version "), out);
        assertEquals(GuestHostname.of(vm), value(out, "hostname"), "the seed disk named the VM, as an RFC 1123"
                + " hostname ('_' of x86_64 made '-', which cloud-init and hostnamectl take): " + out);
        assertEquals(r.image(), value(out, "image"), out);
        assertEquals(r.arch(), value(out, "arch"), out);
        long asked = DISK_MIB << 20;
        assertEquals(asked, Long.parseLong(value(out, "disk")), "the VM's disk is the size asked: " + out);
        long rootfs = Long.parseLong(value(out, "rootfs"));
        assertTrue(rootfs > asked * 95 / 100 && rootfs <= asked,
                "the root file system grew from 8 GiB to the disk (" + asked + " bytes), minus ext4's overhead: " + out);
    }

    private static String hostLogs() throws java.io.IOException {
        StringBuilder logs = new StringBuilder();
        for (HostProcess h : HOSTS) {
            logs.append(h.log());
        }
        return logs.toString();
    }

    private static String value(String out, String key) {
        Matcher m = Pattern.compile("(?m)^" + key + "=(.*)$").matcher(out);
        return m.find() ? m.group(1).strip() : "";
    }

    @Test
    @Order(2)
    void anEnvByOsPrefixSpansTwoOsNamesAndTwoArchitectures() {
        Set<String> arches = new TreeSet<>();
        Set<String> oses = new TreeSet<>();
        for (String image : VM_BY_IMAGE.keySet()) {
            arches.add(image.substring(image.lastIndexOf('.') + 1));
            oses.add(image.split(":")[1]);
        }
        assumeTrue(arches.size() >= 2, "only " + arches + " Debian images are built: "
                + DebianImages.missing(DebianImages.DEBIAN_12_AARCH64));
        assertTrue(oses.size() >= 2, "two OS names: " + oses);
        for (Recipe r : BUILT) {
            assertTrue(VM_BY_IMAGE.containsKey(r.image()), "--os-prefix=" + prefixes + " gave a VM of every Debian image: "
                    + VM_BY_IMAGE);
        }
        assertEquals(VM_BY_IMAGE.size(), VM_BY_IMAGE.values().stream().distinct().count(), "one VM per image");
    }

    @Test
    @Order(3)
    void eachImagesSlowdownFactorIsMeasuredAndListed() throws Exception {
        Map<String, Double> factors = new LinkedHashMap<>();
        Wait.until("a slowdown factor for every Debian image booted", Duration.ofMinutes(10), () -> {
            factors.clear();
            TtCli.Result r = tt.run("image", "list", "-o", "json");
            for (JsonNode image : Json.mapper().readTree(r.out())) {
                if (image.hasNonNull("slowdown")) {
                    factors.put(image.get("name").asText(), image.get("slowdown").asDouble());
                }
            }
            return BUILT.stream().allMatch(b -> factors.containsKey(b.image()));
        });
        for (Recipe r : BUILT) {
            // under TCG every guest is emulated; a foreign architecture all the more
            assertTrue(factors.get(r.image()) > 1.0, r.image() + " runs slower than its host: " + factors);
        }
        TtCli.Result r = tt.run("image", "list");
        assertEquals(0, r.exitCode(), r.err());
        for (Recipe b : BUILT) {
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith(b.image() + " ")
                    && l.strip().endsWith(factors.get(b.image()) + "x")), "tt image list shows the factor: " + r.out());
        }
    }

    /**
     * tt image import of a cloud image as a user brings one: a partitioned disk that boots through its
     * firmware, personalised by cloud-init, grown by it at boot. The image is the debian-12-cloudimg
     * recipe's disk (SeaBIOS, GRUB in the MBR, cloud-init with growpart), or the file
     * TT_TEST_CLOUD_IMAGE names (a downloaded one; TT_TEST_CLOUD_IMAGE_ARCH: its architecture,
     * x86_64 if unset). The imported disk is made 8 GiB; the guest must grow its root file system to it.
     */
    @Test
    @Order(4)
    void aCloudImageTheUserBringsIsImportedBootedAndLoggedInto() throws Exception {
        String given = System.getenv("TT_TEST_CLOUD_IMAGE");
        Path file;
        String arch;
        if (given != null && !given.isBlank()) {
            file = Path.of(given);
            assertTrue(Files.isRegularFile(file), "TT_TEST_CLOUD_IMAGE=" + given + " is not a file");
            arch = System.getenv().getOrDefault("TT_TEST_CLOUD_IMAGE_ARCH", "x86_64");
        } else {
            Recipe cloud = DebianImages.DEBIAN_12_CLOUDIMG_X86_64;
            file = DebianImages.built(cloud).map(d -> d.resolve("disk.qcow2")).orElse(null);
            assumeTrue(file != null, DebianImages.missing(cloud) + " (or set TT_TEST_CLOUD_IMAGE to a downloaded"
                    + " cloud image, e.g. debian-12-genericcloud-amd64.qcow2)");
            arch = cloud.arch();
        }
        String name = "qemu:cloudimg-1:cloud." + arch;
        TtCli.Result r = tt.run("image", "import", file.toString(), "--os", "cloudimg-1", "--arch", arch, "--image-path",
                images.toString());
        assertEquals(0, r.exitCode(), r.out() + r.err());
        Wait.until("the imported image in the pool", Duration.ofMinutes(2),
                () -> tt.run("image", "list").out().contains(name + " "));
        r = tt.run("env", "add", "IMP", "--image", name, "--mem", "1024", "--ssh-key", key + ".pub");
        assertEquals(0, r.exitCode(), "tt env add: " + r.out() + r.err() + "\nhost logs:\n" + hostLogs());
        try {
            String vm = Json.mapper().readTree(tt.run("env", "show", "IMP", "-o", "json").out()).get("vms").get(0)
                    .get("name").asText();
            r = tt.run("env", "ssh", "IMP", vm, "-i", key.toString(), "--cmd",
                    "echo \"ci=$(cloud-init status --wait 2>&1 | tail -n1)\"; echo \"hostname=$(hostname)\"; "
                            + "echo \"disk=$(lsblk -bdno SIZE /dev/vda)\"; "
                            + "echo \"rootfs=$(df -B1 --output=size / | tail -n1 | tr -d ' ')\"");
            String out = r.out();
            assertEquals(0, r.exitCode(), "a real OpenSSH login with the user's key, put in by cloud-init: " + out
                    + r.err());
            assertEquals("status: done", value(out, "ci"), "cloud-init finished without error: " + out);
            assertEquals(GuestHostname.of(vm), value(out, "hostname"), out);
            long disk = Long.parseLong(value(out, "disk"));
            long rootfs = Long.parseLong(value(out, "rootfs"));
            assertTrue(disk >= 8L << 30, "tt image import made the disk at least 8 GiB: " + out);
            assertTrue(rootfs > disk * 95 / 100 && rootfs <= disk,
                    "cloud-init grew the root partition and file system to the disk, minus ext4's overhead: " + out);
        } finally {
            assertEquals(0, tt.run("env", "del", "IMP").exitCode());
        }
    }
}
