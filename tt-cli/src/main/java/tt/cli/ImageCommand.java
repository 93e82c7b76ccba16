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

/** {@code tt image recipes} and {@code tt image build}: guest images made from Debian packages. */
@Command(name = "image", mixinStandardHelpOptions = true,
        description = "Images: list the pool's, list recipes, build one into an image folder.",
        footer = {"", "Examples:", "  tt image list", "  tt image recipes", "  tt image build tinylinux-x86_64 --image-path /srv/tt/images"},
        subcommands = {ImageCommand.ListImages.class, ImageCommand.Recipes.class, ImageCommand.Build.class})
final class ImageCommand {

    @ParentCommand
    TtMain root;

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the images of the pool's online hosts.",
            footer = {"", "Example:", "  tt image list"})
    static final class ListImages implements Callable<Integer> {
        @ParentCommand
        ImageCommand image;

        @Spec
        CommandSpec spec;

        @Mixin
        Output output;

        @Override
        public Integer call() throws IOException {
            List<String> names = image.root.backend().status().images();
            if (output.json()) {
                Output.printJson(spec.commandLine().getOut(), names);
            } else {
                names.forEach(spec.commandLine().getOut()::println);
            }
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
}
