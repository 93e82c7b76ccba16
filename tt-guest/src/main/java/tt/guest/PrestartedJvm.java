package tt.guest;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * A JVM started in a guest before its snapshot is taken, waiting to run one jar: each VM restored
 * from the snapshot can then start a Jenkins agent (or any jar) without a JVM's own start, which
 * takes seconds in a guest emulated by TCG. The guest's images/guest/tt-jvm starts it; the ready
 * file it writes, the requests it answers and how it is claimed or expired:
 * docs/protocols/prestarted-jvm.md.
 *
 * <pre>java OPTIONS -jar tt-jvm.jar RUN_DIR WORK_DIR OPTIONS_TEXT</pre>
 *
 * <p>One source file with no dependencies: the image build compiles it with javac.
 */
public final class PrestartedJvm {

    private static final int HEADER_LIMIT = 4096;
    private static final int HEADER_WAIT_MILLIS = 10_000;

    private PrestartedJvm() {
    }

    /** A jar's main, loaded, and the two connections it runs with. */
    private record Started(Method main, Socket stdio, Socket stderr) {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: java OPTIONS -jar tt-jvm.jar RUN_DIR WORK_DIR OPTIONS_TEXT");
            System.exit(2);
        }
        Path runDir = Path.of(args[0]);
        String key = newKey();
        Started started;
        Path ready = runDir.resolve("ready");
        try (ServerSocket server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            writePrivately(ready, "port=" + server.getLocalPort() + " key=" + key + " dir=" + args[1] + " options="
                    + args[2] + "\n");
            System.out.println("tt-jvm: waiting on 127.0.0.1:" + server.getLocalPort() + " for a jar to run (" + args[2]
                    + ")");
            started = serve(server, key, ready);
        } finally {
            Files.deleteIfExists(ready);
        }
        System.out.println("tt-jvm: running " + started.main().getDeclaringClass().getName());
        run(started);
    }

    /**
     * Answers clients until one runs a jar. It claims the ready file first (renamed to "claimed"),
     * so that the guest's expiry, which takes it the same way, cannot end a JVM that runs a jar.
     */
    private static Started serve(ServerSocket server, String key, Path ready) throws IOException {
        Socket stderr = null;
        while (true) {
            Socket client = server.accept();
            try {
                client.setTcpNoDelay(true);
                client.setSoTimeout(HEADER_WAIT_MILLIS);
                String[] words = readLine(client.getInputStream()).split(" ", 3);
                if (!MessageDigest.isEqual(words[0].getBytes(StandardCharsets.US_ASCII),
                        key.getBytes(StandardCharsets.US_ASCII))) {
                    refuse(client, "bad key: read it from the ready file");
                } else if (words.length == 2 && words[1].equals("stderr")) {
                    client.setSoTimeout(0);
                    if (stderr != null) {
                        stderr.close();
                    }
                    stderr = client;
                } else if (words.length == 3 && words[1].equals("run")) {
                    if (stderr == null) {
                        refuse(client, "open the stderr connection first");
                        continue;
                    }
                    Method main = mainOf(Path.of(words[2]));
                    try {
                        Files.move(ready, ready.resolveSibling("claimed"), StandardCopyOption.ATOMIC_MOVE);
                    } catch (NoSuchFileException e) {
                        refuse(client, "expired: this JVM is being ended");
                        continue;
                    }
                    try {
                        client.setSoTimeout(0);
                        client.getOutputStream().write("STARTED\n".getBytes(StandardCharsets.US_ASCII));
                        client.getOutputStream().flush();
                    } catch (IOException e) {
                        System.out.println("tt-jvm: the client left before it was answered (" + e.getMessage()
                                + "); ending, as this JVM is no longer offered");
                        System.exit(1);
                    }
                    return new Started(main, client, stderr);
                } else {
                    refuse(client, "unknown request: expected 'KEY stderr' or 'KEY run JAR'");
                }
            } catch (IOException | ReflectiveOperationException | LinkageError | RuntimeException e) {
                refuse(client, e.getMessage() == null ? e.toString() : e.getMessage());
            }
        }
    }

    /** The jar's {@code public static void main(String[])}, its class loaded as {@code java -jar} would. */
    private static Method mainOf(Path jar) throws IOException, ReflectiveOperationException {
        if (!jar.isAbsolute()) {
            throw new IOException("the jar's path must be absolute: " + jar);
        }
        String mainClass;
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            mainClass = manifest == null ? null : manifest.getMainAttributes().getValue(Attributes.Name.MAIN_CLASS);
        } catch (IOException e) {
            throw new IOException("cannot open " + jar + " as a jar: " + e.getMessage(), e);
        }
        if (mainClass == null) {
            throw new IOException(jar + " has no Main-Class in its manifest");
        }
        ClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getSystemClassLoader());
        Method main = Class.forName(mainClass, false, loader).getMethod("main", String[].class);
        if (!Modifier.isStatic(main.getModifiers()) || main.getReturnType() != void.class) {
            throw new IOException(mainClass + " in " + jar + " has no public static void main(String[])");
        }
        return main;
    }

    /** Runs the jar's main with the connections as its stdin, stdout and stderr. */
    private static void run(Started started) throws IOException {
        Thread.currentThread().setContextClassLoader(started.main().getDeclaringClass().getClassLoader());
        System.setIn(started.stdio().getInputStream());
        PrintStream out = new PrintStream(new BufferedOutputStream(started.stdio().getOutputStream()), true);
        PrintStream err = new PrintStream(started.stderr().getOutputStream(), true);
        System.setOut(out);
        System.setErr(err);
        try {
            started.main().invoke(null, (Object) new String[0]);
        } catch (InvocationTargetException e) {
            err.print("Exception in thread \"main\" ");
            e.getCause().printStackTrace(err);
            System.exit(1);
        } catch (IllegalAccessException e) {
            err.println("tt-jvm: cannot call the jar's main: " + e.getMessage());
            System.exit(1);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** One line of at most HEADER_LIMIT bytes, read byte by byte: what follows it belongs to the jar. */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("the client hung up before its request line ended");
            }
            if (line.size() == HEADER_LIMIT) {
                throw new IOException("request line longer than " + HEADER_LIMIT + " bytes");
            }
            line.write(b);
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    private static void refuse(Socket client, String reason) {
        try (client) {
            OutputStream out = client.getOutputStream();
            out.write(("ERROR " + reason.replace('\n', ' ') + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            System.out.println("tt-jvm: could not answer a client (" + reason + "): " + e.getMessage());
        }
        System.out.println("tt-jvm: refused a client: " + reason);
    }

    /**
     * The key a client must give, from /dev/urandom rather than a Java generator: nothing random is
     * drawn through Java before the snapshot, so each clone's generators are seeded after its
     * identity reseeded its kernel's.
     */
    private static String newKey() throws IOException {
        byte[] bytes = new byte[16];
        try (InputStream random = Files.newInputStream(Path.of("/dev/urandom"))) {
            if (random.readNBytes(bytes, 0, bytes.length) != bytes.length) {
                throw new IOException("/dev/urandom ended");
            }
        }
        return HexFormat.of().formatHex(bytes);
    }

    /** Writes a file only its owner reads, in a folder only its owner enters, whole or not at all. */
    private static void writePrivately(Path file, String text) throws IOException {
        Path dir = file.getParent();
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, text);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
