package tt.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import tt.api.WarmPoolStatus;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code tt warm list|set|del}: VMs kept booted per image, which ENVs take at once (changes need the admin token). */
@Command(name = "warm", mixinStandardHelpOptions = true,
        description = {"Warm pools: VMs of an image kept booted, waiting for an identity; an ENV of that image and the"
                + " default size takes one and is ready in a moment. A pool keeps at least --min VMs, and as many as"
                + " ENVs asked for in the last 10 minutes, up to --max."},
        footer = {"", "Examples:", "  tt warm set qemu:debian-12:6.1.x86_64 --min 2 --max 8", "  tt warm list",
                "  tt warm del qemu:debian-12:6.1.x86_64"},
        subcommands = {WarmCommand.ListPools.class, WarmCommand.Set.class, WarmCommand.Del.class})
final class WarmCommand {

    @ParentCommand
    TtMain root;

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the warm pools and their VMs.",
            footer = {"", "Examples:", "  tt warm list", "  tt warm list -o json"})
    static final class ListPools implements Callable<Integer> {
        @ParentCommand
        WarmCommand warm;

        @Spec
        CommandSpec spec;

        @Mixin
        OutputFormat output;

        @Override
        public Integer call() throws IOException {
            output.list(spec.commandLine().getOut(), warm.root.backend().warmPools(),
                    List.of("IMAGE", "MIN", "MAX", "TARGET", "READY", "STARTING"),
                    p -> List.of(p.image(), Integer.toString(p.min()), Integer.toString(p.max()),
                            Integer.toString(p.target()), Integer.toString(p.ready()), Integer.toString(p.starting())));
            return 0;
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true, description = "Keep VMs of an image warm (admin).",
            footer = {"", "Example:", "  tt warm set qemu:debian-12:6.1.x86_64 --min 2 --max 8"})
    static final class Set implements Callable<Integer> {
        @ParentCommand
        WarmCommand warm;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "IMAGE", description = "An image of the pool (see 'tt image list').")
        String image;

        @Option(names = "--min", required = true, paramLabel = "N", description = "VMs kept warm at least.")
        int min;

        @Option(names = "--max", paramLabel = "N", description = "VMs kept warm at most, as demand asks (default: --min).")
        Integer max;

        @Override
        public Integer call() throws IOException {
            WarmPoolStatus p = warm.root.backend().setWarmPool(image, min, max == null ? min : max);
            spec.commandLine().getOut().printf("warm pool of %s: %d to %d VMs, %d ready, %d starting%n", p.image(),
                    p.min(), p.max(), p.ready(), p.starting());
            return 0;
        }
    }

    @Command(name = "del", mixinStandardHelpOptions = true,
            description = "Stop keeping VMs of an image warm; its warm VMs are deleted (admin).",
            footer = {"", "Example:", "  tt warm del qemu:debian-12:6.1.x86_64"})
    static final class Del implements Callable<Integer> {
        @ParentCommand
        WarmCommand warm;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "IMAGE")
        String image;

        @Override
        public Integer call() throws IOException {
            warm.root.backend().deleteWarmPool(image);
            spec.commandLine().getOut().println("warm pool of " + image + " removed");
            return 0;
        }
    }
}
