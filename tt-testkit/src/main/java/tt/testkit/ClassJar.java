package tt.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/** A jar, built in memory, holding one class of the caller's (and other entries), for tests that run jars. */
public final class ClassJar {

    private ClassJar() {
    }

    /**
     * A jar holding {@code cls}'s class file, with it as Main-Class when {@code runnable}, and
     * {@code entries} (name to content) after it.
     */
    public static byte[] of(Class<?> cls, boolean runnable, Map<String, byte[]> entries) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (runnable) {
            manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, cls.getName());
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(bytes, manifest);
             InputStream classFile = cls.getResourceAsStream(cls.getSimpleName() + ".class")) {
            jar.putNextEntry(new JarEntry(cls.getName().replace('.', '/') + ".class"));
            classFile.transferTo(jar);
            jar.closeEntry();
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                jar.putNextEntry(new JarEntry(entry.getKey()));
                jar.write(entry.getValue());
                jar.closeEntry();
            }
        }
        return bytes.toByteArray();
    }
}
