package tt.server;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The --port-file flag tt-host and tt-backend share (a picocli mixin). */
public final class PortFileOption {

    @Option(names = "--port-file", paramLabel = "FILE",
            description = "Once the API listens, write its port to this file, deleted again at stop: with port 0"
                    + " the port the system picked, which the log also names ('listening on ADDR:PORT').")
    Path portFile;

    /** The file given, or null. */
    public Path path() {
        return portFile;
    }
}
