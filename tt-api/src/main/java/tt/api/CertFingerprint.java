package tt.api;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * A TLS certificate's fingerprint as TT shows and pins it: {@code SHA256:} and the unpadded base64 of
 * the SHA-256 of the certificate's DER encoding (the form OpenSSH uses for host keys).
 */
public final class CertFingerprint {

    private static final Pattern FORM = Pattern.compile("SHA256:[A-Za-z0-9+/]{43}");

    private CertFingerprint() {
    }

    public static String of(X509Certificate certificate) {
        try {
            return of(certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("cannot encode certificate " + certificate.getSubjectX500Principal(), e);
        }
    }

    public static String of(byte[] der) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(der);
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java has no SHA-256", e);
        }
    }

    /** The fingerprint given, checked; throws with what a fingerprint looks like. */
    public static String parse(String given) {
        String s = given == null ? "" : given.strip();
        if (!FORM.matcher(s).matches()) {
            throw new IllegalArgumentException("bad fingerprint '" + given + "': give it as the server prints it,"
                    + " SHA256: and 43 base64 characters (tt-backend and tt-host log it at start and keep it in"
                    + " their state folder's tls/fingerprint)");
        }
        return s;
    }
}
