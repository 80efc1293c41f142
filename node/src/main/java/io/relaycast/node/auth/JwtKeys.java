package io.relaycast.node.auth;

import io.relaycast.node.Settings;
import io.relaycast.node.SettingsException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The token keys a node is configured with (OPERATIONS.md {@code RELAYCAST_JWT_SECRET},
 * {@code RELAYCAST_JWT_PUBLIC_KEY}), each bound to the one JWS algorithm it may verify.
 *
 * <p>Binding a key to exactly one algorithm is what defeats algorithm confusion: an RSA public key
 * is never offered to HMAC, and a secret is never asked to check an RS256 or ES256 signature. The
 * public key's type is read from the PEM itself: an RSA key means RS256, a P-256 EC key means
 * ES256; anything else is refused before the node starts.
 */
public final class JwtKeys {
    private static final Logger LOG = Logger.getLogger(JwtKeys.class.getName());
    /** RFC 7518 §3.2: an HS256 key must be at least as long as the hash, 256 bits. */
    static final int MIN_SECRET_BYTES = 32;
    /** RS256 with a shorter modulus is breakable; RFC 7518 §3.3 requires 2048 bits or more. */
    static final int MIN_RSA_BITS = 2048;
    private static final Pattern PEM_PUBLIC_KEY = Pattern.compile(
            "-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\\s]+)-----END PUBLIC KEY-----");

    /** JWS {@code alg} → key material in the form vertx-auth-jwt's PubSecKeyOptions takes. */
    private final Map<String, String> byAlgorithm;

    private JwtKeys(Map<String, String> byAlgorithm) {
        this.byAlgorithm = Map.copyOf(byAlgorithm);
    }

    /** No keys: dev mode, anyone may join. */
    public static JwtKeys none() {
        return new JwtKeys(Map.of());
    }

    /**
     * The keys the settings name. Throws with a one-line reason when the public key file cannot be
     * read or is not an RSA or P-256 EC public key in PEM, so the node refuses to start.
     */
    public static JwtKeys load(Settings settings) throws SettingsException {
        Map<String, String> keys = new LinkedHashMap<>();
        if (settings.jwtSecret() != null && !settings.jwtSecret().isEmpty()) {
            keys.put("HS256", settings.jwtSecret());
            if (settings.jwtSecret().getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
                // Warned, not refused: a short secret is fine for a dev box and guessable anywhere else.
                LOG.warning(() -> "RELAYCAST_JWT_SECRET is shorter than " + MIN_SECRET_BYTES
                        + " bytes; RFC 7518 section 3.2 asks for at least 256 bits of key for HS256");
            }
        }
        if (settings.jwtPublicKey() != null) {
            PublicKey key = readPublicKey(settings.jwtPublicKey());
            keys.put(algorithmFor(key, settings.jwtPublicKey()), toPem(key));
        }
        return new JwtKeys(keys);
    }

    /** True when at least one key is configured, i.e. tokens are required. */
    public boolean any() {
        return !byAlgorithm.isEmpty();
    }

    /** The JWS algorithms tokens may use, e.g. {@code HS256} or {@code ES256}. */
    public java.util.Set<String> algorithms() {
        return byAlgorithm.keySet();
    }

    /** Key material for one algorithm: the secret for HS256, a PEM {@code PUBLIC KEY} otherwise. */
    String material(String algorithm) {
        return byAlgorithm.get(algorithm);
    }

    private static PublicKey readPublicKey(Path file) throws SettingsException {
        String where = "RELAYCAST_JWT_PUBLIC_KEY: " + file;
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new SettingsException(where + " cannot be read: " + e.getMessage());
        }
        Matcher m = PEM_PUBLIC_KEY.matcher(text);
        if (!m.find()) {
            throw new SettingsException(where + " holds no PEM '-----BEGIN PUBLIC KEY-----' block"
                    + " (an RSA or P-256 EC public key; 'openssl pkey -pubout' writes one)");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(m.group(1));
        } catch (IllegalArgumentException e) {
            throw new SettingsException(where + " has a PEM block that is not valid base64");
        }
        X509EncodedKeySpec spec = new X509EncodedKeySpec(der);
        for (String type : new String[] {"RSA", "EC"}) {
            try {
                return KeyFactory.getInstance(type).generatePublic(spec);
            } catch (GeneralSecurityException | RuntimeException notThisType) {
                // try the next key type; the JDK reports a key of another type as an invalid spec
            }
        }
        throw new SettingsException(where + " is not a valid RSA or EC public key");
    }

    private static String algorithmFor(PublicKey key, Path file) throws SettingsException {
        String where = "RELAYCAST_JWT_PUBLIC_KEY: " + file;
        if (key instanceof RSAPublicKey rsa) {
            int bits = rsa.getModulus().bitLength();
            if (bits < MIN_RSA_BITS) {
                throw new SettingsException(where + " is a " + bits + "-bit RSA key; RS256 needs at least "
                        + MIN_RSA_BITS + " bits");
            }
            return "RS256";
        }
        if (key instanceof ECPublicKey ec) {
            // RFC 7518 §3.4: ES256 is ECDSA on P-256 with SHA-256; other curves have other algorithms.
            if (!isP256(ec.getParams())) {
                throw new SettingsException(where + " is an EC key on a curve other than P-256; ES256 needs P-256");
            }
            return "ES256";
        }
        throw new SettingsException(where + " is neither an RSA nor an EC public key");
    }

    private static boolean isP256(ECParameterSpec p) throws SettingsException {
        ECParameterSpec p256;
        try {
            AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
            params.init(new ECGenParameterSpec("secp256r1"));
            p256 = params.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new SettingsException("this JVM does not support the P-256 curve: " + e.getMessage());
        }
        return p.getCurve().equals(p256.getCurve()) && p.getGenerator().equals(p256.getGenerator())
                && p.getOrder().equals(p256.getOrder()) && p.getCofactor() == p256.getCofactor();
    }

    /** A normalized PEM (SubjectPublicKeyInfo), so the verifier never sees the file's extra text. */
    private static String toPem(PublicKey key) {
        return "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }
}
