package tt.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/** {@code tt image ...}: the pool's images, and image folders made from recipes or from users' cloud images. */
@Command(name = "image", mixinStandardHelpOptions = true,
        description = "Images: list the pool's, list recipes, build one into an image folder, import a cloud image.",
        footer = {"", "Examples:", "  tt image list", "  tt image recipes", "  tt image build tinylinux-x86_64 --image-path /srv/tt/images",
                "  tt image import jammy-server-cloudimg-amd64.img --os ubuntu-22.04 --arch x86_64 --image-path /srv/tt/images"},
        subcommands = {ImageCommand.ListImages.class, ImageCommand.Recipes.class, ImageCommand.Build.class,
                ImageCommand.Import.class})
final class ImageCommand {

    @ParentCommand
    TtMain root;

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"List the images of the pool's online hosts: architecture, disk size, least memory, and how"
                    + " many times slower than their host its guests run (measured on its first VM; scale timeouts by"
                    + " it; '-' until measured)."},
            footer = {"", "Examples:", "  tt image list", "  tt image list -o json"})
    static final class ListImages implements Callable<Integer> {
        @ParentCommand
        ImageCommand image;

        @Spec
        CommandSpec spec;

        @Mixin
        OutputFormat output;

        @Override
        public Integer call() throws IOException {
            output.list(spec.commandLine().getOut(), image.root.backend().images(),
                    List.of("IMAGE", "ARCH", "DISK (MiB)", "MIN MEM (MiB)", "SLOWDOWN"),
                    i -> List.of(i.name(), i.arch(), Long.toString(i.diskKib() / 1024), Integer.toString(i.minMemMib()),
                            i.slowdown() == null ? "-" : i.slowdown() + "x"));
            return 0;
        }
    }

    /** The repository's images/ folder: $TT_HOME/images (bin/tt sets TT_HOME). */
    static Path imagesDir() {
        String home = System.getenv("TT_HOME");
        if (home == null || home.isBlank()) {
            throw new IllegalStateException("TT_HOME is not set: run tt through bin/tt in the TT checkout");
        }
        return Path.of(home, "images");
    }

    /** Recipe name to its one-line description, read from the recipe's "# description:" line. */
    static Map<String, String> recipes(Path imagesDir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.list(imagesDir.resolve("recipes"))) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".sh")).toList()) {
                String name = f.getFileName().toString().replaceFirst("\\.sh$", "");
                String description = Files.readAllLines(f, StandardCharsets.UTF_8).stream()
                        .filter(l -> l.startsWith("# description:")).findFirst()
                        .map(l -> l.substring("# description:".length()).strip()).orElse("");
                out.put(name, description);
            }
        }
        return out;
    }

    @Command(name = "recipes", mixinStandardHelpOptions = true, description = "List the image recipes this checkout can build.",
            footer = {"", "Example:", "  tt image recipes"})
    static final class Recipes implements Callable<Integer> {
        @Override
        public Integer call() throws IOException {
            recipes(imagesDir()).forEach((name, d) -> System.out.printf("%-22s %s%n", name, d));
            return 0;
        }
    }

    @Command(name = "build", mixinStandardHelpOptions = true, description = "Build an image from a recipe into an image folder.",
            footer = {"", "Example:", "  tt image build tinylinux-x86_64 --image-path /srv/tt/images"})
    static final class Build implements Callable<Integer> {
        @Parameters(paramLabel = "RECIPE", description = "A recipe from 'tt image recipes'.")
        String recipe;

        @Option(names = "--image-path", required = true, paramLabel = "DIR", description = "The image folder.")
        Path imagePath;

        @Override
        public Integer call() throws IOException, InterruptedException {
            Path dir = imagesDir();
            Map<String, String> known = recipes(dir);
            if (!known.containsKey(recipe)) {
                throw new IllegalArgumentException("unknown recipe '" + recipe + "': choose one of " + known.keySet());
            }
            Files.createDirectories(imagePath);
            Process p = new ProcessBuilder(List.of("bash", dir.resolve("build-image.sh").toString(), recipe,
                    imagePath.toAbsolutePath().toString())).inheritIO().start();
            return p.waitFor();
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = {"Turn a cloud image (qcow2, raw, vmdk ... of Ubuntu, Debian, Rocky, Alma, openSUSE ...) into an"
                    + " image folder: booted through its firmware, personalised by cloud-init's NoCloud seed (hostname,"
                    + " the ENV's SSH keys for root, the disk grown to the VM's size)."},
            footer = {"", "Examples:",
                    "  tt image import jammy-server-cloudimg-amd64.img --os ubuntu-22.04 --arch x86_64 --image-path /srv/tt/images",
                    "  tt image import Rocky-9-GenericCloud.latest.aarch64.qcow2 --os rocky-9 --arch aarch64 \\",
                    "      --image-path /srv/tt/images",
                    "", "The image needs cloud-init (every vendor cloud image has it) and, for aarch64 or --firmware uefi,",
                    "Debian's qemu-efi-aarch64 / ovmf packages on the hosts (images/setup-deps.sh installs them)."})
    static final class Import implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "The image file.")
        Path file;

        @Option(names = "--os", required = true, paramLabel = "NAME-VERSION", description = "Its OS, e.g. ubuntu-22.04.")
        String os;

        @Option(names = "--arch", required = true, paramLabel = "ARCH", description = "x86_64 or aarch64.")
        String arch;

        @Option(names = "--image-path", required = true, paramLabel = "DIR", description = "The image folder.")
        Path imagePath;

        @Option(names = "--firmware", paramLabel = "bios|uefi",
                description = "How it boots (default: bios for x86_64, uefi for aarch64).")
        String firmware;

        @Option(names = "--name", paramLabel = "IMAGE", description = "The image's name (default: qemu:OS:cloud.ARCH).")
        String name;

        @Option(names = "--min-mem", defaultValue = "512", paramLabel = "MIB",
                description = "The least memory its VMs get (default: ${DEFAULT-VALUE}).")
        int minMemMib;

        @Override
        public Integer call() throws IOException {
            Path folder = ImageImport.run(new ImageImport.Request(file, os, arch, firmware, name, minMemMib, imagePath));
            spec.commandLine().getOut().println("imported " + folder.getFileName() + " into " + folder.getParent());
            return 0;
        }
    }
}
