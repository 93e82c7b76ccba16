package tt.server;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tt.api.CertFingerprint;
import tt.local.PrivateFiles;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * A daemon's TLS key and certificate: made on first start (EC P-256, self-signed, ten years) and
 * kept in its state folder as PEM files ({@code tls/key.pem} mode 600, {@code tls/cert.pem}, and
 * {@code tls/fingerprint} for the admin to compare), or given by the admin. Clients pin its
 * fingerprint; a tt-backend also presents it as its client certificate to the hosts it joined.
 */
public final class TlsIdentity {

    private static final Logger LOG = LoggerFactory.getLogger(TlsIdentity.class);
    private static final char[] IN_MEMORY = "tt".toCharArray();
    private final PrivateKey key;
    private final List<X509Certificate> chain;
    private final String fingerprint;

    private TlsIdentity(PrivateKey key, List<X509Certificate> chain) {
        this.key = key;
        this.chain = List.copyOf(chain);
        this.fingerprint = CertFingerprint.of(chain.get(0));
    }

    /**
     * The identity kept in {@code dir}, made there first if there is none. {@code names} go into the
     * certificate (addresses as IP entries, others as DNS names) for clients that check names.
     */
    public static TlsIdentity keptIn(Path dir, String commonName, List<String> names) throws IOException {
        Path keyFile = dir.resolve("key.pem");
        Path certFile = dir.resolve("cert.pem");
        if (!Files.isRegularFile(keyFile) || !Files.isRegularFile(certFile)) {
            Files.createDirectories(dir);
            TlsIdentity made = make(commonName, names);
            PrivateFiles.write(keyFile, pem(new JcaPKCS8Generator(made.key, null)));
            PrivateFiles.write(certFile, pem(made.chain.get(0)));
            LOG.info("made a TLS certificate for {} in {}: {}", commonName, certFile, made.fingerprint);
        }
        TlsIdentity identity = fromFiles(certFile, keyFile);
        PrivateFiles.write(dir.resolve("fingerprint"), identity.fingerprint + "\n");
        return identity;
    }

    /** The identity of a certificate (PEM, the server's first, then its chain) and its private key (PEM) the admin gives. */
    public static TlsIdentity fromFiles(Path certFile, Path keyFile) throws IOException {
        List<X509Certificate> chain = new ArrayList<>();
        PrivateKey key = null;
        try (Reader r = Files.newBufferedReader(certFile, StandardCharsets.US_ASCII); PEMParser pem = new PEMParser(r)) {
            JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
            for (Object o = pem.readObject(); o != null; o = pem.readObject()) {
                if (o instanceof org.bouncycastle.cert.X509CertificateHolder holder) {
                    chain.add(converter.getCertificate(holder));
                }
            }
        } catch (GeneralSecurityException | IOException e) {
            throw new IOException("cannot read the TLS certificate " + certFile + ": " + e.getMessage()
                    + " (give a PEM file: -----BEGIN CERTIFICATE-----)", e);
        }
        try (Reader r = Files.newBufferedReader(keyFile, StandardCharsets.US_ASCII); PEMParser pem = new PEMParser(r)) {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            for (Object o = pem.readObject(); o != null && key == null; o = pem.readObject()) {
                if (o instanceof PEMKeyPair pair) {
                    key = converter.getPrivateKey(pair.getPrivateKeyInfo());
                } else if (o instanceof PrivateKeyInfo info) {
                    key = converter.getPrivateKey(info);
                }
            }
        } catch (IOException e) {
            throw new IOException("cannot read the TLS key " + keyFile + ": " + e.getMessage()
                    + " (give an unencrypted PEM private key)", e);
        }
        if (chain.isEmpty()) {
            throw new IOException("no certificate in " + certFile + " (give a PEM file: -----BEGIN CERTIFICATE-----)");
        }
        if (key == null) {
            throw new IOException("no private key in " + keyFile + " (give an unencrypted PEM private key)");
        }
        return new TlsIdentity(key, chain);
    }

    public String fingerprint() {
        return fingerprint;
    }

    public X509Certificate certificate() {
        return chain.get(0);
    }

    /** The key managers that present this identity (as a server, or as a client to a host). */
    public KeyManager[] keyManagers() {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("tt", key, IN_MEMORY, chain.toArray(new Certificate[0]));
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, IN_MEMORY);
            return factory.getKeyManagers();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot use the TLS key of " + certificate().getSubjectX500Principal()
                    + ": " + e.getMessage(), e);
        }
    }

    private static TlsIdentity make(String commonName, List<String> names) throws IOException {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = generator.generateKeyPair();
            X500Name subject = new X500Name("CN=" + commonName.replaceAll("[,=+<>#;\"\\\\]", "_"));
            Instant now = Instant.now();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                    new BigInteger(127, new SecureRandom()), Date.from(now.minus(Duration.ofMinutes(5))),
                    Date.from(now.plus(Duration.ofDays(3650))), subject, pair.getPublic());
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.stream()
                    .distinct().map(TlsIdentity::generalName).toArray(GeneralName[]::new)));
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
            return new TlsIdentity(pair.getPrivate(), List.of(cert));
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot make a TLS certificate: " + e.getMessage(), e);
        }
    }

    private static GeneralName generalName(String name) {
        boolean address = name.matches("[0-9.]+") || name.contains(":");
        if (address) {
            try {
                return new GeneralName(GeneralName.iPAddress, InetAddress.getByName(name).getHostAddress());
            } catch (IOException notAnAddress) {
                return new GeneralName(GeneralName.dNSName, name);
            }
        }
        return new GeneralName(GeneralName.dNSName, name);
    }

    private static String pem(Object o) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(text)) {
            w.writeObject(o);
        }
        return text.toString();
    }
}
