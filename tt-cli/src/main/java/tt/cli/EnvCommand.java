package tt.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import tt.api.EnvCreateRequest;
import tt.api.EnvInfo;
import tt.api.EnvPlan;
import tt.api.EnvState;
import tt.api.EnvVm;
import tt.api.KeyFingerprint;
import tt.api.RunResult;
import tt.client.BackendClient;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

/** {@code tt env ...}: ENVs, TT's unit of everything. */
@Command(name = "env", mixinStandardHelpOptions = true, description = "Create, list, show, run on and delete ENVs.",
        footer = {"", "Examples:", "  tt env add TEST --os-prefix=cent,ubuntu2004", "  tt env run TEST --use-ssh --cmd 'ls /'",
                "  tt env del TEST"},
        subcommands = {EnvCommand.Add.class, EnvCommand.ListEnvs.class, EnvCommand.Show.class, EnvCommand.Run.class,
                EnvCommand.Del.class, EnvCommand.Stop.class, EnvCommand.Start.class, EnvCommand.Renew.class,
                EnvCommand.Ssh.class})
final class EnvCommand {

    @ParentCommand
    TtMain root;

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Create an ENV: one VM per image matching an OS prefix (case-insensitive), and/or named images.",
            footer = {"", "Examples:", "  tt env add TEST --os-prefix=cent,ubuntu2004",
                    "  tt env add WEB --image qemu:tinylinux-1.0:6.1.x86_64 --mem 1024 --port 8080 --replicas 3",
                    "  tt env add MINE --os-prefix=tiny --ssh-key ~/.ssh/id_ed25519.pub --lifetime 240",
                    "  tt env add CI-1234 --os-prefix=debian --lease 300 --tag runner=gl-7 --wait-for-room 600",
                    "  tt env add BIG --os-prefix=debian --replicas 20 --dry-run"})
    static final class Add implements Callable<Integer> {
        @ParentCommand
        EnvCommand env;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "NAME", description = "The ENV's name (letters, digits, '-', '_').")
        String name;

        @Option(names = "--os-prefix", split = ",", paramLabel = "PREFIX", description = "OS prefixes, comma-separated.")
        List<String> osPrefix = new ArrayList<>();

        @Option(names = "--image", paramLabel = "IMAGE", description = "An exact image name (repeatable).")
        List<String> images = new ArrayList<>();

        @Option(names = "--cpu", paramLabel = "N", description = "vCPUs per VM (default 1).")
        Integer cpu;

        @Option(names = "--mem", paramLabel = "MIB", description = "Memory per VM in MiB (default: the server's).")
        Integer memMib;

        @Option(names = "--disk", paramLabel = "MIB", description = "Disk per VM in MiB (default: the image's).")
        Integer diskMib;

        @Option(names = "--port", paramLabel = "PORT", description = "A guest port to forward besides 22 (repeatable).")
        List<Integer> ports = new ArrayList<>();

        @Option(names = "--ssh-key", paramLabel = "FILE", description = "A public key file to put in every VM (repeatable).")
        List<Path> sshKeys = new ArrayList<>();

        @Option(names = "--lifetime", paramLabel = "MINUTES", description = "Delete the ENV after this long.")
        Integer lifetime;

        @Option(names = "--replicas", paramLabel = "N", description = "VMs per image (default 1).")
        Integer replicas;

        @Option(names = "--no-wait", description = "Return once the ENV is placed; do not follow its VMs booting.")
        boolean noWait;

        @Option(names = "--lease", paramLabel = "SECONDS",
                description = "Delete the ENV unless 'tt env renew' is run within this many seconds, again and again"
                        + " (for CI jobs: a crashed job's ENV goes by itself).")
        Integer leaseSeconds;

        @Option(names = "--tag", paramLabel = "KEY=VALUE", description = "Mark the ENV (repeatable); see 'tt env list --tag'.")
        Map<String, String> tags = new HashMap<>();

        @Option(names = "--wait-for-room", paramLabel = "SECONDS",
                description = "If the pool is full, wait up to this long for room instead of failing at once.")
        int waitForRoom;

        @Option(names = "--dry-run", description = "Make nothing: say whether the pool could place the ENV now.")
        boolean dryRun;

        @Mixin
        OutputFormat output;

        @Override
        public Integer call() throws IOException, InterruptedException {
            List<String> keys = new ArrayList<>();
            for (Path f : sshKeys) {
                if (!Files.isRegularFile(f)) {
                    throw new IllegalArgumentException("no SSH public key file " + f);
                }
                Files.readAllLines(f, StandardCharsets.US_ASCII).stream().filter(l -> !l.isBlank()).forEach(keys::add);
            }
            BackendClient client = env.root.backend();
            boolean json = output.json();
            EnvCreateRequest request = new EnvCreateRequest(name, osPrefix, images, cpu, memMib, diskMib, ports, keys,
                    lifetime, replicas, leaseSeconds, tags);
            PrintWriter out = spec.commandLine().getOut();
            if (dryRun) {
                EnvPlan plan = client.planEnv(request);
                if (json) {
                    OutputFormat.printJson(out, plan);
                } else if (plan.fits()) {
                    out.println("ENV " + name + " fits the pool now:");
                    new TreeMap<>(plan.hostOfVm()).forEach((vm, host) -> out.println("  " + vm + " -> " + host));
                } else {
                    out.println("ENV " + name + " does not fit the pool now: " + plan.problem());
                }
                return plan.fits() ? 0 : 1;
            }
            EnvInfo info = client.createEnv(request, waitForRoom);
            if (!noWait) {
                info = new Progress(out, !json && System.console() != null, json).follow(client, info);
            }
            if (json) {
                OutputFormat.printJson(out, info);
            } else {
                out.printf("ENV %s: %s, %d VMs, expires %s%n", info.name(), info.state(), info.vms().size(),
                        info.expiresAt());
            }
            return info.state() == EnvState.FAILED ? 1 : 0;
        }
    }

    /** Follows an ENV until it is no longer creating, printing each VM's state as it changes. */
    static final class Progress {
        private final PrintWriter out;
        private final boolean terminal;
        private final boolean quiet;
        private final long t0 = System.nanoTime();
        private final Map<String, Object> last = new HashMap<>();
        private int drawn;

        Progress(PrintWriter out, boolean terminal, boolean quiet) {
            this.out = out;
            this.terminal = terminal;
            this.quiet = quiet;
        }

        EnvInfo follow(BackendClient client, EnvInfo info) throws IOException {
            show(info);
            while (info.state() == EnvState.CREATING) {
                info = client.env(info.name(), 2);
                show(info);
            }
            return info;
        }

        private void show(EnvInfo info) {
            if (quiet) {
                return;
            }
            double s = (System.nanoTime() - t0) / 1e9;
            if (terminal) {
                if (drawn > 0) {
                    out.printf("\u001b[%dA", drawn);
                }
                for (EnvVm vm : info.vms()) {
                    out.printf("\u001b[2K  %-40s %-9s %5.1f s%s%n", vm.name(), vm.state(), s,
                            vm.error() == null ? "" : "  " + vm.error());
                }
                drawn = info.vms().size();
            } else {
                for (EnvVm vm : info.vms()) {
                    if (!vm.state().equals(last.put(vm.name(), vm.state()))) {
                        out.printf("%.1f s  %s  %s%s%n", s, vm.name(), vm.state(),
                                vm.error() == null ? "" : ": " + vm.error());
                    }
                }
            }
            out.flush();
        }
    }

    /** A subcommand about one ENV, named by the first parameter. */
    abstract static class OnNamedEnv implements Callable<Integer> {
        @ParentCommand
        EnvCommand env;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME", description = "The ENV's name.")
        String name;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List your ENVs (the admin sees all).",
            footer = {"", "Examples:", "  tt env list", "  tt env list -o json", "  tt env list --tag runner=gl-7"})
    static final class ListEnvs implements Callable<Integer> {
        @ParentCommand
        EnvCommand env;

        @Spec
        CommandSpec spec;

        @Mixin
        OutputFormat output;

        @Option(names = "--tag", paramLabel = "KEY=VALUE", description = "Only ENVs with this tag (repeatable).")
        Map<String, String> tags = new HashMap<>();

        @Override
        public Integer call() throws IOException {
            output.list(spec.commandLine().getOut(), env.root.backend().envs(tags),
                    List.of("NAME", "STATE", "VMS", "OWNER", "EXPIRES"), e -> List.of(e.name(), e.state().name(),
                            Integer.toString(e.vms().size()), e.owner(), e.expiresAt().toString()));
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show an ENV: each VM's image, state, host and ports.",
            footer = {"", "Examples:", "  tt env show TEST", "  tt env show TEST -o json"})
    static final class Show extends OnNamedEnv {

        @Mixin
        OutputFormat output;

        @Override
        public Integer call() throws IOException {
            EnvInfo e = env.root.backend().env(name, 0);
            PrintWriter out = spec.commandLine().getOut();
            if (output.json()) {
                OutputFormat.printJson(out, e);
                return 0;
            }
            out.printf("ENV %s (%s): %s, owner %s, created %s, expires %s%n", e.name(), e.id(), e.state(), e.owner(),
                    e.createdAt(), e.expiresAt());
            out.println("ssh keys: " + (e.sshKeys().isEmpty() ? "none (made without --ssh-key: use 'tt env run')"
                    : String.join(" ", e.sshKeys())));
            List<List<String>> rows = new ArrayList<>();
            rows.add(List.of("VM", "IMAGE", "STATE", "HOST", "SSH", "PORTS"));
            for (EnvVm vm : e.vms()) {
                Integer ssh = vm.ports() == null ? null : vm.ports().get(22);
                rows.add(List.of(vm.name(), vm.image(), vm.state().name() + (vm.error() == null ? "" : ": " + vm.error()),
                        vm.host() == null ? "-" : vm.host(), ssh == null ? "-" : vm.address() + ":" + ssh,
                        vm.ports() == null ? "-" : vm.ports().toString()));
            }
            OutputFormat.table(out, rows);
            return 0;
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Run the same command on every VM of an ENV; each VM's output under its name.",
            footer = {"", "Examples:", "  tt env run TEST --use-ssh --cmd 'ls /'", "  tt env run TEST --cmd 'make test' --timeout 1800",
                    "", "Exits 1 if the command failed (or could not run) on any VM."})
    static final class Run extends OnNamedEnv {
        @Option(names = "--cmd", required = true, paramLabel = "COMMAND", description = "The shell command to run in each VM.")
        String cmd;

        @Option(names = "--use-ssh", description = "Run over SSH (the way TT always runs commands; kept for the seed's syntax).")
        boolean useSsh;

        @Option(names = "--timeout", defaultValue = "600", paramLabel = "SECONDS",
                description = "Per-VM time limit (default: ${DEFAULT-VALUE}).")
        int timeout;

        @Mixin
        OutputFormat output;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            boolean json = output.json();
            AtomicInteger failed = new AtomicInteger();
            List<RunResult> all = new ArrayList<>();
            env.root.backend().runStreamed(name, cmd, timeout, r -> {
                if (r.exitCode() != 0) {
                    failed.incrementAndGet();
                }
                if (json) {
                    all.add(r);
                    return;
                }
                out.printf("==> %s (exit %d%s)%n", r.vm(), r.exitCode(), r.error() == null ? "" : ", " + r.error());
                out.print(r.stdout());
                if (!r.stderr().isEmpty()) {
                    out.print(r.stderr());
                }
                out.flush();
            });
            if (json) {
                OutputFormat.printJson(out, all);
            }
            return failed.get() == 0 ? 0 : 1;
        }
    }

    @Command(name = "del", aliases = "delete", mixinStandardHelpOptions = true,
            description = "Delete an ENV: every VM and all its data.", footer = {"", "Example:", "  tt env del TEST"})
    static final class Del extends OnNamedEnv {

        @Override
        public Integer call() throws IOException {
            env.root.backend().deleteEnv(name);
            spec.commandLine().getOut().println("ENV " + name + " deleted");
            return 0;
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true, description = "Pause every VM of an ENV.",
            footer = {"", "Example:", "  tt env stop TEST"})
    static final class Stop extends OnNamedEnv {

        @Override
        public Integer call() throws IOException {
            spec.commandLine().getOut().println("ENV " + name + ": " + env.root.backend().stopEnv(name).state());
            return 0;
        }
    }

    @Command(name = "start", mixinStandardHelpOptions = true, description = "Resume every VM of a stopped ENV.",
            footer = {"", "Example:", "  tt env start TEST"})
    static final class Start extends OnNamedEnv {

        @Override
        public Integer call() throws IOException {
            spec.commandLine().getOut().println("ENV " + name + ": " + env.root.backend().startEnv(name).state());
            return 0;
        }
    }

    @Command(name = "renew", mixinStandardHelpOptions = true,
            description = "Renew an ENV's lease (see 'tt env add --lease'): its client is still alive.",
            footer = {"", "Example:", "  tt env renew CI-1234"})
    static final class Renew extends OnNamedEnv {

        @Override
        public Integer call() throws IOException {
            EnvInfo e = env.root.backend().renewEnv(name);
            spec.commandLine().getOut().println("ENV " + name + ": lease renewed until " + e.leaseExpiresAt());
            return 0;
        }
    }

    @Command(name = "ssh", mixinStandardHelpOptions = true,
            description = "Open an interactive SSH session (OpenSSH client) to a VM of an ENV.",
            footer = {"", "Examples:", "  tt env ssh TEST", "  tt env ssh TEST TEST-centos-7-3-x86_64 -i ~/.ssh/id_ed25519",
                    "  tt env ssh TEST --cmd 'uname -a'"})
    static final class Ssh extends OnNamedEnv {
        @Parameters(index = "1", arity = "0..1", paramLabel = "VM", description = "The VM (default: the ENV's first).")
        String vm;

        @Option(names = "-i", paramLabel = "KEY", description = "Private key file for ssh.")
        Path identity;

        @Option(names = "--cmd", paramLabel = "COMMAND", description = "Run this instead of an interactive shell.")
        String command;

        @Override
        public Integer call() throws IOException, InterruptedException {
            EnvInfo e = env.root.backend().env(name, 0);
            EnvVm target = e.vms().stream().filter(v -> vm == null || v.name().equals(vm)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("ENV " + name + " has no VM '" + vm + "'; its VMs: "
                            + e.vms().stream().map(EnvVm::name).toList()));
            Integer port = target.ports() == null ? null : target.ports().get(22);
            if (port == null || target.address() == null) {
                throw new IllegalArgumentException("VM " + target.name() + " has no SSH port yet (it is " + target.state() + ")");
            }
            checkKey(e);
            List<String> cmd = new ArrayList<>(List.of("ssh", "-p", port.toString(), "-o", "StrictHostKeyChecking=no",
                    "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR"));
            if (identity != null) {
                cmd.addAll(List.of("-i", identity.toString()));
            }
            cmd.add("root@" + target.address());
            if (command != null) {
                cmd.add("--");
                cmd.add(command);
            }
            return new ProcessBuilder(cmd).inheritIO().start().waitFor();
        }

        /** Refuses at once, saying why, a login the VMs cannot accept: an ENV with no user key, or a key not its own. */
        private void checkKey(EnvInfo e) throws IOException {
            if (e.sshKeys().isEmpty()) {
                throw new IllegalStateException("ENV " + e.name() + " was made without an SSH key of yours, so its VMs"
                        + " take no login from you: make an ENV with --ssh-key ~/.ssh/id_ed25519.pub, or run commands"
                        + " with 'tt env run " + e.name() + " --cmd ...'");
            }
            Path publicKey = identity == null ? null : Path.of(identity + ".pub");
            if (publicKey != null && Files.isRegularFile(publicKey)) {
                String line = Files.readString(publicKey, StandardCharsets.US_ASCII).strip();
                if (!e.sshKeys().contains(KeyFingerprint.of(line))) {
                    throw new IllegalStateException("the key " + identity + " is not one ENV " + e.name()
                            + " was made with (its keys: " + String.join(" ", e.sshKeys()) + "): give the matching"
                            + " private key with -i");
                }
            }
        }
    }
}
